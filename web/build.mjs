// Builds the web chat into web/dist: the page (index.html), its stylesheet and one
// JavaScript bundle (the widget plus socket.io-client from node_modules).
// Usage: node build.mjs [--watch]
import { build, context } from "esbuild";
import { copyFile, mkdir, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const src = join(here, "src");
const dist = join(here, "dist");
const watch = process.argv.includes("--watch");
/** Copied as they are; index.html last (see below). */
const staticFiles = ["favicon.svg", "index.html"];

/** @type {import("esbuild").BuildOptions} */
const options = {
  entryPoints: { chat: join(src, "main.ts"), style: join(src, "style.css") },
  outdir: dist,
  bundle: true,
  format: "iife",
  target: ["es2020", "chrome100", "firefox100", "safari15"],
  minify: !watch,
  sourcemap: true,
  legalComments: "linked",
  logLevel: "info",
};

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });

async function copyStatic() {
  for (const name of staticFiles) await copyFile(join(src, name), join(dist, name));
}

if (watch) {
  await copyStatic();
  const ctx = await context(options);
  await ctx.watch();
} else {
  await build(options);
  // index.html is written last: the Makefile's `web` target uses it as its marker.
  await copyStatic();
}
