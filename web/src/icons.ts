// Small inline icons (drawn here, no icon font or file from elsewhere); decorative only:
// every button that shows one has its name in text.

const SVG = "http://www.w3.org/2000/svg";

const PATHS = {
  speaker: "M3 9h4l5-4v14l-5-4H3zM15.5 8.5a5 5 0 0 1 0 7M18 6a8.5 8.5 0 0 1 0 12",
  thumbUp:
    "M7 10v10H4V10zM9 20h8.2a2 2 0 0 0 2-1.6l1.2-6A2 2 0 0 0 18.4 10H14l.8-4a1.6 1.6 0 0 0-2.9-1.2L9 10z",
} as const;

export type IconName = keyof typeof PATHS | "thumbDown";

export function icon(name: IconName): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "18");
  svg.setAttribute("height", "18");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", `icon icon--${name}`);
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", PATHS[name === "thumbDown" ? "thumbUp" : name]);
  if (name === "thumbDown") path.setAttribute("transform", "rotate(180 12 12)");
  svg.append(path);
  return svg;
}
