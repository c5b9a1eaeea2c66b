// Turns messages into DOM elements. Every text from the bot or the user is inserted
// with textContent / text nodes, never as HTML.

import { DEFAULT_LANGUAGE, type Strings } from "./i18n";
import type { Button, ChatMessage, Source } from "./store";

/** What rendering a message needs to know besides the message. */
export interface RenderContext {
  /** The widget's labels, in `uiLanguage`. */
  strings: Strings;
  uiLanguage: string;
  /** The writing direction of a text in a language. */
  direction(code: string): "ltr" | "rtl" | "auto";
  /** A quick-reply button was pressed under a message. */
  onButton(button: Button, message: ChatMessage): void;
}

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Only http(s) addresses become links (no javascript:, data: …). */
export function safeUrl(url: string | null): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url, window.location.href);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** A source's name: a link when it has an address, else plain text. */
function sourceName(source: Source, { strings, uiLanguage }: RenderContext): HTMLElement {
  const href = safeUrl(source.url);
  const details = [source.publisher, source.date].filter(Boolean).join(", ");
  if (href) {
    const link = el("a", "msg__source");
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.append(document.createTextNode(source.title));
    const hint = el("span", "sr-only", ` ${strings.newWindow}`);
    hint.lang = uiLanguage;
    link.append(hint);
    if (details) link.title = details;
    return link;
  }
  const name = el("cite", "msg__source", source.title);
  if (details) name.title = details;
  return name;
}

interface Match {
  start: number;
  end: number;
  source: Source;
}

/** Finds where the text names each source (the citation line the assistant writes). */
function findSources(text: string, sources: Source[]): { matches: Match[]; rest: Source[] } {
  const matches: Match[] = [];
  const rest: Source[] = [];
  for (const source of sources) {
    let from = 0;
    let found = -1;
    // the first occurrence that does not overlap an earlier match
    while ((found = text.indexOf(source.title, from)) !== -1) {
      const end = found + source.title.length;
      if (!matches.some((m) => found < m.end && end > m.start)) break;
      from = found + 1;
    }
    if (found === -1) rest.push(source);
    else matches.push({ start: found, end: found + source.title.length, source });
  }
  matches.sort((a, b) => a.start - b.start);
  return { matches, rest };
}

/**
 * Fills an element with the message text. Source titles in the text become links (or
 * stay plain text without an address); sources the text does not name get their own line.
 */
function renderText(target: HTMLElement, message: ChatMessage, context: RenderContext): void {
  const { strings } = context;
  const text = message.text;
  const sources = message.sources ?? [];
  const { matches, rest } = findSources(text, sources);
  let position = 0;
  for (const match of matches) {
    if (match.start > position) {
      target.append(document.createTextNode(text.slice(position, match.start)));
    }
    target.append(sourceName(match.source, context));
    position = match.end;
  }
  if (position < text.length) target.append(document.createTextNode(text.slice(position)));
  if (rest.length) {
    const line = el("span", "msg__sources");
    line.append(document.createTextNode(`${rest.length > 1 ? strings.sources : strings.source}: `));
    rest.forEach((source, index) => {
      if (index > 0) line.append(document.createTextNode("; "));
      line.append(sourceName(source, context));
      const details = [source.publisher, source.date ?? strings.undated].filter(Boolean).join(", ");
      line.append(document.createTextNode(` (${details})`));
    });
    if (text) target.append(document.createTextNode("\n"));
    target.append(line);
  }
}

function renderButtons(message: ChatMessage, buttons: Button[], context: RenderContext): HTMLElement {
  const group = el("div", "msg__buttons");
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", context.strings.quickReplies);
  for (const button of buttons) {
    const node = el("button", "quick-reply", button.title);
    node.type = "button";
    // Buttons stay usable: a click sends the payload and leaves the button in place.
    node.addEventListener("click", () => context.onButton(button, message));
    group.append(node);
  }
  return group;
}

/** Builds the element of one message, with `lang` and `dir` from the message's language. */
export function renderMessage(message: ChatMessage, context: RenderContext): HTMLElement {
  const { strings, uiLanguage } = context;
  const item = el("div", `msg msg--${message.from}`);
  item.dataset.id = message.id;
  item.dataset.from = message.from;
  const language = message.language ?? (message.from === "bot" ? DEFAULT_LANGUAGE : undefined);
  if (language) {
    item.lang = language;
    item.dir = context.direction(language);
    item.dataset.language = language;
  } else {
    item.dir = "auto"; // the user's own text: let the browser pick the direction
  }

  const who = el("span", "sr-only", `${message.from === "bot" ? strings.bot : strings.you}: `);
  who.lang = uiLanguage;
  const bubble = el("p", "msg__text");
  bubble.append(who);
  renderText(bubble, message, context);
  item.append(bubble);

  if (message.from === "bot" && message.buttons?.length) {
    item.append(renderButtons(message, message.buttons, context));
  }
  return item;
}
