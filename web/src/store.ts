// What the widget keeps in the browser's localStorage so that a conversation survives a
// page reload: the session token the server issued (it proves that this browser may
// continue the conversation), the chosen language and the messages; after "Gespräch
// löschen", the token of the conversation to delete until the server confirms.
// Nothing leaves the browser except what the user sends to the assistant.

export interface Button {
  title: string;
  payload: string;
}

export interface Source {
  title: string;
  publisher: string | null;
  date: string | null;
  url: string | null;
  /** The publisher's short name, e.g. "BAMF". */
  short?: string;
  /** The compact citation the answer's text ends with, e.g. "BAMF, 10.07.2018". */
  citation?: string;
}

/** What of a host's contact shown in a reply becomes a link (tel:, mailto:, http). */
export interface ContactLinks {
  phone?: string;
  email?: string;
  url?: string;
}

/** How the user rated an answer. */
export type Rating = "helpful" | "not_helpful";

export interface ChatMessage {
  id: string;
  from: "user" | "bot";
  text: string;
  /** ISO 639-1 code of the text, when known. */
  language?: string;
  buttons?: Button[];
  sources?: Source[];
  /** The name of the assistant's response (e.g. `utter_faq/kurs_finden`); answers that
   * have one can be rated. Channel notes have none. */
  response?: string;
  /** The user's rating, once given (a message is rated once). */
  rating?: Rating;
  /** The block of the host's contacts the text ends with (the handoff), exactly as in
   * `text`, and what of them becomes a link. */
  contactsText?: string;
  contacts?: ContactLinks[];
}

const PREFIX = "integrationslotse-webchat:v1:";
export const KEYS = {
  session: PREFIX + "session",
  forget: PREFIX + "forget",
  language: PREFIX + "language",
  history: PREFIX + "history",
} as const;

/** At most this many messages are kept; older ones are dropped. */
export const MAX_MESSAGES = 200;

const memory = new Map<string, string>();

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return memory.get(key) ?? null; // storage blocked (privacy settings): keep in memory
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    if (value === null) memory.delete(key);
    else memory.set(key, value);
  }
}

/** The token of the current conversation (null: none yet). */
export function loadSessionToken(): string | null {
  return read(KEYS.session);
}

export function saveSessionToken(token: string | null): void {
  write(KEYS.session, token);
}

/** The token of a conversation the user deleted, until the server has deleted it. */
export function loadForgetToken(): string | null {
  return read(KEYS.forget);
}

export function saveForgetToken(token: string | null): void {
  write(KEYS.forget, token);
}

export function loadLanguage(): string | null {
  return read(KEYS.language);
}

export function saveLanguage(code: string | null): void {
  write(KEYS.language, code);
}

function isString(value: unknown): value is string {
  return typeof value === "string";
}

function optionalString(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** Checks and normalises buttons from the server or from storage. */
export function toButtons(value: unknown): Button[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((b): b is Record<string, unknown> => typeof b === "object" && b !== null)
    .filter((b) => isString(b.title) && b.title !== "")
    .map((b) => ({
      title: b.title as string,
      payload: isString(b.payload) && b.payload !== "" ? b.payload : (b.title as string),
    }));
}

/** Checks and normalises sources from the server or from storage. */
export function toSources(value: unknown): Source[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((s): s is Record<string, unknown> => typeof s === "object" && s !== null)
    .filter((s) => isString(s.title) && s.title !== "")
    .map((s) => {
      const source: Source = {
        title: s.title as string,
        publisher: optionalString(s.publisher),
        date: optionalString(s.date),
        url: optionalString(s.url),
      };
      const short = optionalString(s.short);
      const citation = optionalString(s.citation);
      if (short) source.short = short;
      if (citation) source.citation = citation;
      return source;
    });
}

/** A response name as the server sends it (`utter_…`), else null. */
export function toResponseName(value: unknown): string | null {
  return typeof value === "string" && /^[A-Za-z0-9_./-]{1,200}$/.test(value) ? value : null;
}

/** The phone numbers, e-mail addresses and addresses on the web of contacts in a reply. */
export function toContactLinks(value: unknown): ContactLinks[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((c): c is Record<string, unknown> => typeof c === "object" && c !== null)
    .map((c) => {
      const links: ContactLinks = {};
      for (const key of ["phone", "email", "url"] as const) {
        const text = optionalString(c[key]);
        if (text) links[key] = text;
      }
      return links;
    });
}

export function toRating(value: unknown): Rating | null {
  return value === "helpful" || value === "not_helpful" ? value : null;
}

/** Checks one stored or received message; returns null for anything malformed. */
export function toMessage(value: unknown): ChatMessage | null {
  if (typeof value !== "object" || value === null) return null;
  const m = value as Record<string, unknown>;
  if (!isString(m.id) || (m.from !== "user" && m.from !== "bot") || !isString(m.text)) {
    return null;
  }
  const message: ChatMessage = { id: m.id, from: m.from, text: m.text };
  if (isString(m.language) && /^[a-z]{2,3}(-[A-Za-z0-9]+)?$/.test(m.language)) {
    message.language = m.language;
  }
  const buttons = toButtons(m.buttons);
  if (buttons.length) message.buttons = buttons;
  const sources = toSources(m.sources);
  if (sources.length) message.sources = sources;
  const response = toResponseName(m.response);
  if (response) message.response = response;
  const rating = toRating(m.rating);
  if (rating) message.rating = rating;
  if (isString(m.contactsText) && m.contactsText && m.text.includes(m.contactsText)) {
    message.contactsText = m.contactsText;
    message.contacts = toContactLinks(m.contacts);
  }
  return message;
}

export function loadHistory(): ChatMessage[] {
  const raw = read(KEYS.history);
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    if (!Array.isArray(parsed)) return [];
    return parsed.map(toMessage).filter((m): m is ChatMessage => m !== null);
  } catch {
    return [];
  }
}

/**
 * Adds a message to the stored history (read–modify–write, so that two tabs of the same
 * conversation do not overwrite each other's messages) and returns the new history.
 */
export function appendToHistory(message: ChatMessage): ChatMessage[] {
  const history = loadHistory();
  if (!history.some((m) => m.id === message.id)) history.push(message);
  const kept = history.slice(-MAX_MESSAGES);
  write(KEYS.history, JSON.stringify(kept));
  return kept;
}

/** Changes one stored message (read–modify–write like `appendToHistory`). */
export function updateInHistory(id: string, change: Partial<ChatMessage>): void {
  const history = loadHistory();
  const message = history.find((m) => m.id === id);
  if (!message) return;
  Object.assign(message, change);
  write(KEYS.history, JSON.stringify(history));
}

export function clearHistory(): void {
  write(KEYS.history, null);
}

export function newId(): string {
  if (typeof crypto !== "undefined" && "randomUUID" in crypto) {
    return crypto.randomUUID().replace(/-/g, "");
  }
  return Date.now().toString(16) + Math.random().toString(16).slice(2);
}
