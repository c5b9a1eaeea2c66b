// Turns messages into DOM elements. Every text from the bot or the user is inserted
// with textContent / text nodes, never as HTML.

import { renderFeedback } from "./feedback";
import { DEFAULT_LANGUAGE, type Strings } from "./i18n";
import { icon } from "./icons";
import { mailHref, safeUrl, telHref } from "./links";
import type { ReadAloud } from "./speech";
import type { Button, ChatMessage, ContactLinks, Rating, Source } from "./store";

/** What rendering a message needs to know besides the message. */
export interface RenderContext {
  /** The widget's labels, in `uiLanguage`. */
  strings: Strings;
  uiLanguage: string;
  /** The writing direction of a text in a language. */
  direction(code: string): "ltr" | "rtl" | "auto";
  /** A quick-reply button was pressed under a message. */
  onButton(button: Button, message: ChatMessage): void;
  /** The user rated an answer (once). */
  onRate(message: ChatMessage, rating: Rating, comment: string): void;
  /** Reads answers aloud on the device. */
  speech: ReadAloud;
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

/** A source's title: a link when it has an address, else a citation. */
function sourceTitle(source: Source, { strings, uiLanguage }: RenderContext): HTMLElement {
  const href = safeUrl(source.url);
  if (href) {
    const link = el("a", "msg__source");
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.append(document.createTextNode(source.title));
    const hint = el("span", "sr-only", ` ${strings.newWindow}`);
    hint.lang = uiLanguage;
    link.append(hint);
    return link;
  }
  return el("cite", "msg__source", source.title);
}

/** The compact form of a source, "BAMF, 10.07.2018", as the assistant writes it. */
export function compactCitation(source: Source, strings: Strings): string {
  if (source.citation) return source.citation;
  const name = source.short ?? source.publisher ?? source.title;
  return [name, source.date ?? strings.undated].join(", ");
}

/**
 * Splits an answer into its body and the citation line it ends with ("Quelle: BAMF,
 * 10.07.2018", with the label in the answer's language): the line that names the
 * compact citation of every source. `line` is null when the text has no such line.
 */
export function splitCitation(text: string, sources: Source[]): { body: string; line: string | null } {
  const citations = sources.map((s) => s.citation);
  if (!citations.length || citations.some((c) => !c)) return { body: text, line: null };
  const lines = text.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    if (citations.every((c) => lines[i].includes(c as string))) {
      const body = [...lines.slice(0, i), ...lines.slice(i + 1)].join("\n").trimEnd();
      return { body, line: lines[i].trim() };
    }
  }
  return { body: text, line: null };
}

/**
 * The citation: one short line ("Quelle: BAMF, 10.07.2018") that opens, on a tap, a
 * click, Enter or Space, to each source's full title (linked where it has an address),
 * publisher and date.
 */
function renderCitation(line: string | null, sources: Source[], context: RenderContext): HTMLElement {
  const { strings } = context;
  const details = el("details", "msg__cite");
  const summary = el(
    "summary",
    "msg__cite-line",
    line ??
      `${sources.length > 1 ? strings.sources : strings.source}: ` +
        sources.map((s) => compactCitation(s, strings)).join("; "),
  );
  details.append(summary);
  const list = el("ul", "msg__cite-list");
  for (const source of sources) {
    const item = el("li", "msg__cite-item");
    item.append(sourceTitle(source, context));
    const facts = [source.publisher, source.date ?? strings.undated].filter(Boolean).join(", ");
    if (facts) item.append(el("span", "msg__cite-facts", facts));
    list.append(item);
  }
  details.append(list);
  return details;
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

/** The reply's text without the block of the host's contacts at its end, and that block. */
function splitContacts(message: ChatMessage): { text: string; contacts: string | null } {
  const block = message.contactsText;
  if (message.from !== "bot" || !block) return { text: message.text, contacts: null };
  const at = message.text.lastIndexOf(block);
  if (at === -1) return { text: message.text, contacts: null };
  const text = (message.text.slice(0, at) + message.text.slice(at + block.length)).trimEnd();
  return { text, contacts: block };
}

/** The host's contacts in a reply, as the assistant wrote them, with their phone numbers,
 * e-mail and web addresses as links (only these exact values, never other text). */
function renderContactsBlock(block: string, contacts: ContactLinks[]): HTMLElement {
  const links: { text: string; href: string; external: boolean }[] = [];
  for (const contact of contacts) {
    const tel = contact.phone ? telHref(contact.phone) : null;
    if (contact.phone && tel) links.push({ text: contact.phone, href: tel, external: false });
    const mail = contact.email ? mailHref(contact.email) : null;
    if (contact.email && mail) links.push({ text: contact.email, href: mail, external: false });
    const web = safeUrl(contact.url);
    if (contact.url && web) links.push({ text: contact.url, href: web, external: true });
  }
  const node = el("p", "msg__contacts");
  let rest = block;
  while (rest) {
    // the earliest (and at one place the longest) of the values
    let next: { at: number; link: (typeof links)[number] } | null = null;
    for (const link of links) {
      const at = rest.indexOf(link.text);
      if (at !== -1 && (!next || at < next.at || (at === next.at && link.text.length > next.link.text.length))) {
        next = { at, link };
      }
    }
    if (!next) {
      node.append(document.createTextNode(rest));
      break;
    }
    if (next.at > 0) node.append(document.createTextNode(rest.slice(0, next.at)));
    const anchor = el("a", "msg__contact-link", next.link.text);
    anchor.href = next.link.href;
    if (next.link.external) {
      anchor.target = "_blank";
      anchor.rel = "noopener noreferrer";
    }
    node.append(anchor);
    rest = rest.slice(next.at + next.link.text.length);
  }
  return node;
}

/** Answers that are the assistant's thanks for a rating are not rated themselves. */
export function isRateable(message: ChatMessage): boolean {
  return message.from === "bot" && !!message.response && !/feedback/i.test(message.response);
}

function renderActions(message: ChatMessage, spoken: string, context: RenderContext): HTMLElement | null {
  const { strings, uiLanguage } = context;
  const row = el("div", "msg__actions");
  row.lang = uiLanguage;
  row.dir = context.direction(uiLanguage);
  if (spoken.trim()) {
    const speak = el("button", "msg__action msg__speak");
    speak.type = "button";
    speak.append(icon("speaker"), el("span", "msg__action-label", strings.readAloud));
    context.speech.attach(speak, spoken, message.language ?? DEFAULT_LANGUAGE);
    row.append(speak);
  }
  if (isRateable(message)) {
    row.append(
      renderFeedback({
        strings,
        uiLanguage,
        rating: message.rating,
        onRate: (rating, comment) => context.onRate(message, rating, comment),
      }),
    );
  }
  return row.childElementCount ? row : null;
}

/** Builds the element of one message, with `lang` and `dir` from the message's language. */
export function renderMessage(message: ChatMessage, context: RenderContext): HTMLElement {
  const { strings, uiLanguage } = context;
  const item = el("div", `msg msg--${message.from}`);
  item.dataset.id = message.id;
  item.dataset.from = message.from;
  if (message.response) item.dataset.response = message.response;
  const language = message.language ?? (message.from === "bot" ? DEFAULT_LANGUAGE : undefined);
  if (language) {
    item.lang = language;
    item.dir = context.direction(language);
    item.dataset.language = language;
  } else {
    item.dir = "auto"; // the user's own text: let the browser pick the direction
  }

  const sources = message.from === "bot" ? (message.sources ?? []) : [];
  const { text: answer, contacts } = splitContacts(message);
  const { body, line } = splitCitation(answer, sources);
  const who = el("span", "sr-only", `${message.from === "bot" ? strings.bot : strings.you}: `);
  who.lang = uiLanguage;
  const bubble = el("div", "msg__bubble");
  const text = el("p", "msg__text");
  text.append(who, document.createTextNode(body));
  bubble.append(text);
  if (sources.length) bubble.append(renderCitation(line, sources, context));
  if (contacts) bubble.append(renderContactsBlock(contacts, message.contacts ?? []));
  item.append(bubble);

  if (message.from === "bot") {
    const spoken = contacts ? `${body}\n\n${contacts}` : body;
    const actions = renderActions(message, spoken, context);
    if (actions) item.append(actions);
    if (message.buttons?.length) item.append(renderButtons(message, message.buttons, context));
  }
  return item;
}
