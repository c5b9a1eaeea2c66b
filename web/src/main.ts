// The web chat: connects to the assistant's socket.io channel (bot.channels.webchat) on
// the page's own origin, keeps the conversation in localStorage and renders it.
//
// Protocol (Rasa's socket.io channel with server-issued sessions):
//   client → session_request {session_token?, forget_token?}
//   server → session_confirm {session_id, session_token, forgotten?}
//            (the same conversation for a token the server issued, else a new one;
//             forget_token: that conversation is deleted first)
//   client → user_uttered {message, customData: {language?}}   (into the socket's session)
//   server → bot_uttered {text, buttons?, language?, sources?, response?, contacts?,
//            contacts_text?, notice?} (one per message; `response`: the response's
//            name, on the assistant's answers, which can then be rated; `contacts_text`:
//            the block of the host's contacts at the end of `text`, whose phone numbers,
//            e-mail and web addresses (`contacts`) become links)
//   server → bot_typing {typing: boolean}   (while the assistant works on a message)
//   client → user_uttered {message: '/feedback{"rating", "response", "comment"?}'}
//            (a rating; the assistant thanks)

import { io, type Socket } from "socket.io-client";
import { renderContacts, toContacts, type Contact } from "./contacts";
import {
  Languages,
  stringsFor,
  toLanguages,
  uiLanguageFor,
  type Language,
  type Strings,
} from "./i18n";
import { renderMessage, type RenderContext } from "./render";
import { ReadAloud } from "./speech";
import {
  KEYS,
  appendToHistory,
  clearHistory,
  loadForgetToken,
  loadHistory,
  loadLanguage,
  loadSessionToken,
  newId,
  saveForgetToken,
  saveLanguage,
  saveSessionToken,
  toButtons,
  toContactLinks,
  toResponseName,
  toSources,
  updateInHistory,
  type ChatMessage,
  type Rating,
} from "./store";

interface Config {
  socketPath: string;
  namespace: string | null;
  userMessageEvent: string;
  botMessageEvent: string;
  typingEvent: string;
  metadataKey: string;
  /** The configured languages (bot/language/names.py), in the picker's order. */
  languages: Language[];
  /** The host's own contacts (the deployment's contacts file); none by default. */
  contacts: Contact[];
}

const DEFAULT_CONFIG: Config = {
  socketPath: "/socket.io",
  namespace: null,
  userMessageEvent: "user_uttered",
  botMessageEvent: "bot_uttered",
  typingEvent: "bot_typing",
  metadataKey: "customData",
  languages: toLanguages(null),
  contacts: [],
};

/** The indicator goes away at the latest after this long without an answer. */
const TYPING_TIMEOUT_MS = 60_000;
/** Until then "connecting …" is not shown, so that a quick connection does not flicker. */
const CONNECTING_NOTICE_DELAY_MS = 800;
/** After that long without a connection the notice says the server is unreachable. */
const OFFLINE_NOTICE_DELAY_MS = 3_000;

async function loadConfig(): Promise<Config> {
  try {
    const response = await fetch("config.json", { cache: "no-store" });
    if (!response.ok) return DEFAULT_CONFIG;
    const data = (await response.json()) as Partial<Config>;
    return {
      ...DEFAULT_CONFIG,
      ...data,
      languages: toLanguages(data.languages),
      contacts: toContacts(data.contacts),
    };
  } catch {
    return DEFAULT_CONFIG;
  }
}

function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`web chat: #${id} is missing in the page`);
  return node as T;
}

class WebChat {
  private readonly root = byId<HTMLElement>("chat");
  private readonly log = byId<HTMLElement>("chat-log");
  private readonly messages = byId<HTMLElement>("chat-messages");
  private readonly form = byId<HTMLFormElement>("chat-form");
  private readonly input = byId<HTMLInputElement>("chat-input");
  private readonly typing = byId<HTMLElement>("chat-typing");
  private readonly status = byId<HTMLElement>("chat-status");
  private readonly langToggle = byId<HTMLButtonElement>("lang-toggle");
  private readonly langCurrent = byId<HTMLElement>("lang-current");
  private readonly langList = byId<HTMLElement>("lang-list");
  private readonly handoff = byId<HTMLButtonElement>("chat-handoff");
  private readonly clear = byId<HTMLButtonElement>("chat-clear");
  private readonly introToggle = byId<HTMLButtonElement>("intro-toggle");
  private readonly intro = byId<HTMLElement>("intro");
  private readonly contacts = byId<HTMLElement>("contacts");
  private readonly speech = new ReadAloud();
  /** The language of the labels the rendered messages have. */
  private renderedUiLanguage: string | null = null;

  private readonly languages: Languages;
  private socket: Socket | null = null;
  /** What proves to the server that this browser may continue its conversation. */
  private sessionToken: string | null = loadSessionToken();
  /** True once the server confirmed the session of this connection. */
  private sessionReady = false;
  private pending: { message: string; metadata: Record<string, string> }[] = [];
  /** The language the user chose explicitly; null until they do. */
  private chosenLanguage: string | null = null;
  private rendered = new Set<string>();
  private waiting = false;
  private serverTyping = false;
  private typingTimer: number | undefined;
  private offlineTimer: number | undefined;
  private connection: "connecting" | "online" | "offline" = "connecting";
  private statusVisible = false;
  private statusTimer: number | undefined;
  /** Whether the log shows its end: it keeps showing it when it gets smaller (the
   * on-screen keyboard) or a message comes. */
  private logAtEnd = true;

  constructor(private readonly config: Config) {
    this.languages = new Languages(config.languages);
    const stored = loadLanguage();
    this.chosenLanguage = this.languages.has(stored) ? stored : null;
  }

  /** The language of the widget's labels: the chosen one, if the widget has labels in it. */
  get uiLanguage(): string {
    return uiLanguageFor(this.chosenLanguage);
  }

  get strings(): Strings {
    return stringsFor(this.uiLanguage);
  }

  private get renderContext(): RenderContext {
    return {
      strings: this.strings,
      uiLanguage: this.uiLanguage,
      direction: (code) => this.languages.direction(code),
      onButton: (button, message) => this.send(button.payload, button.title, message.language),
      onRate: (message, rating, comment) => this.rate(message, rating, comment),
      speech: this.speech,
    };
  }

  start(): void {
    this.buildLanguageList();
    this.applyStrings();
    this.renderHistory(loadHistory());
    this.bindUi();
    trackVisualViewport();
    this.setConnection("connecting");
    this.connect();
    this.root.classList.add("chat--ready");
  }

  // --- UI ---------------------------------------------------------------------------

  private applyStrings(): void {
    const strings = this.strings;
    this.root.lang = this.uiLanguage;
    this.root.dir = this.languages.direction(this.uiLanguage);
    this.root.querySelectorAll<HTMLElement>("[data-i18n]").forEach((node) => {
      const key = node.dataset.i18n as keyof Strings;
      if (key in strings) node.textContent = strings[key];
    });
    this.input.placeholder = strings.placeholder;
    this.log.setAttribute("aria-label", strings.log);
    this.introToggle.textContent = strings.about;
    this.introToggle.lang = this.uiLanguage;
    renderContacts(this.contacts, this.config.contacts, strings, this.uiLanguage, this.languages);
    // the labels of the messages (read aloud, rating) follow the language too
    if (this.renderedUiLanguage !== null && this.renderedUiLanguage !== this.uiLanguage) {
      this.rendered.clear();
      this.messages.replaceChildren();
      this.renderHistory(loadHistory());
    }
    this.renderedUiLanguage = this.uiLanguage;
    const current = this.chosenLanguage ?? this.languages.list[0].code;
    this.langCurrent.textContent = this.languages.name(current);
    this.langCurrent.lang = current;
    this.langList.querySelectorAll<HTMLButtonElement>("button").forEach((button) => {
      button.setAttribute("aria-pressed", String(button.dataset.language === current));
    });
    this.updateStatus();
  }

  private buildLanguageList(): void {
    this.langList.replaceChildren();
    for (const language of this.languages.list) {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "lang-option";
      button.lang = language.code;
      button.dir = language.dir;
      button.dataset.language = language.code;
      button.textContent = language.name;
      button.addEventListener("click", () => this.chooseLanguage(language.code));
      item.append(button);
      this.langList.append(item);
    }
  }

  private setLanguageListOpen(open: boolean, focusToggle = false): void {
    this.langList.hidden = !open;
    this.langToggle.setAttribute("aria-expanded", String(open));
    if (open) {
      const current = this.langList.querySelector<HTMLButtonElement>('[aria-pressed="true"]');
      (current ?? this.langList.querySelector<HTMLButtonElement>("button"))?.focus();
    } else if (focusToggle) {
      this.langToggle.focus();
    }
  }

  private bindUi(): void {
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const text = this.input.value.trim();
      if (!text) return;
      this.input.value = "";
      this.send(text, text);
      this.input.focus();
    });
    this.langToggle.addEventListener("click", () => {
      this.setLanguageListOpen(this.langList.hidden);
    });
    this.langList.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        this.setLanguageListOpen(false, true);
      }
    });
    document.addEventListener("click", (event) => {
      const target = event.target as Node;
      if (!this.langList.hidden && !this.langList.contains(target) && !this.langToggle.contains(target)) {
        this.setLanguageListOpen(false);
      }
    });
    this.handoff.addEventListener("click", () => {
      this.send("/human_handoff", this.strings.handoffText, this.uiLanguage);
    });
    this.clear.addEventListener("click", () => this.clearConversation());
    this.log.addEventListener("scroll", () => {
      this.logAtEnd = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 32;
    });
    if (typeof ResizeObserver === "function") {
      new ResizeObserver(() => {
        if (this.logAtEnd) this.scrollLogToEnd();
      }).observe(this.log);
    }
    this.introToggle.addEventListener("click", () => {
      const open = this.introToggle.getAttribute("aria-expanded") !== "true";
      this.introToggle.setAttribute("aria-expanded", String(open));
      this.intro.classList.toggle("intro--open", open);
    });
    // On a phone the chat fills the screen: bring all of it into view when typing.
    this.input.addEventListener("focus", () => {
      if (window.matchMedia(PHONE_LAYOUT).matches) {
        window.setTimeout(() => this.root.scrollIntoView({ block: "end" }), 0);
      }
    });
    // Another tab of the same conversation changed the stored state.
    window.addEventListener("storage", (event) => {
      if (event.key === KEYS.history) this.renderHistory(loadHistory());
      if (event.key === KEYS.language) {
        const code = loadLanguage();
        this.chosenLanguage = this.languages.has(code) ? code : null;
        this.applyStrings();
      }
      // (null: the other tab deleted the conversation; its new token follows)
      if (event.key === KEYS.session && event.newValue && event.newValue !== this.sessionToken) {
        this.sessionToken = event.newValue;
        this.requestSession();
      }
    });
  }

  private chooseLanguage(code: string): void {
    this.chosenLanguage = code;
    saveLanguage(code);
    this.applyStrings();
    this.setLanguageListOpen(false, true);
    this.send(`/choose_language${JSON.stringify({ language: code })}`, this.languages.name(code), code);
  }

  /** "Gespräch löschen": the conversation goes from the browser and from the server. */
  private clearConversation(): void {
    clearHistory();
    this.renderHistory([]);
    // The server deletes the conversation of this token (kept until it confirms, also
    // across a reload while offline) and starts a new one: the next visitor on a shared
    // computer cannot continue this conversation.
    if (this.sessionToken) saveForgetToken(this.sessionToken);
    this.sessionToken = null;
    saveSessionToken(null);
    this.pending = [];
    this.setWaiting(false);
    this.requestSession();
    this.input.focus();
  }

  private renderHistory(history: ChatMessage[]): void {
    const ids = new Set(history.map((m) => m.id));
    const stale = [...this.rendered].some((id) => !ids.has(id));
    if (stale) {
      this.messages.replaceChildren();
      this.rendered.clear();
      this.speech.prune();
    }
    for (const message of history) this.show(message);
  }

  private show(message: ChatMessage): void {
    if (this.rendered.has(message.id)) return;
    this.rendered.add(message.id);
    const node = renderMessage(message, this.renderContext);
    this.messages.append(node);
    this.scrollLogToEnd(true);
  }

  /** Shows the end of the log: gliding to a new message, at once when the log shrank. */
  private scrollLogToEnd(glide = false): void {
    const behavior = (glide ? "auto" : "instant") as ScrollBehavior; // auto: style.css
    this.log.scrollTo({ top: this.log.scrollHeight, behavior });
    this.logAtEnd = true;
  }

  private add(message: ChatMessage): void {
    appendToHistory(message);
    this.show(message);
  }

  private setWaiting(waiting: boolean): void {
    this.waiting = waiting;
    if (!waiting) this.serverTyping = false;
    window.clearTimeout(this.typingTimer);
    if (waiting) {
      this.typingTimer = window.setTimeout(() => this.setWaiting(false), TYPING_TIMEOUT_MS);
    }
    this.updateTyping();
  }

  private updateTyping(): void {
    const show = this.waiting || this.serverTyping;
    this.typing.hidden = !show;
    this.root.setAttribute("aria-busy", String(show));
  }

  private setConnection(state: "connecting" | "online" | "offline"): void {
    this.connection = state;
    this.root.dataset.connection = state;
    window.clearTimeout(this.statusTimer);
    if (state === "online") {
      this.updateStatus();
      return;
    }
    // a connection that is there within a moment needs no notice (no flicker on load)
    const delay = state === "connecting" ? CONNECTING_NOTICE_DELAY_MS : 0;
    this.statusTimer = window.setTimeout(() => {
      this.statusVisible = true;
      this.updateStatus();
    }, delay);
  }

  private updateStatus(): void {
    if (this.connection === "online") this.statusVisible = false;
    this.status.hidden = !this.statusVisible;
    this.status.textContent = !this.statusVisible
      ? ""
      : this.connection === "offline"
        ? this.strings.offline
        : this.strings.connecting;
  }

  // --- messages ---------------------------------------------------------------------

  /**
   * Shows the user's message and sends it.
   * @param message what the assistant gets (text or a /intent payload)
   * @param display what the conversation shows
   * @param language the language of `display`, when known
   */
  private send(message: string, display: string, language?: string): void {
    const shown: ChatMessage = { id: newId(), from: "user", text: display };
    if (language) shown.language = language;
    this.add(shown);
    const metadata: Record<string, string> = {};
    if (this.chosenLanguage) metadata.language = this.chosenLanguage;
    this.pending.push({ message, metadata });
    this.setWaiting(true);
    this.flush();
  }

  /** Sends a rating of an answer (once); the assistant's thanks is shown, not the payload. */
  private rate(message: ChatMessage, rating: Rating, comment: string): void {
    if (!message.response) return;
    message.rating = rating;
    updateInHistory(message.id, { rating });
    const feedback: Record<string, string> = { rating, response: message.response };
    if (comment) feedback.comment = comment;
    const metadata: Record<string, string> = {};
    if (this.chosenLanguage) metadata.language = this.chosenLanguage;
    this.pending.push({ message: `/feedback${JSON.stringify(feedback)}`, metadata });
    this.setWaiting(true);
    this.flush();
  }

  private flush(): void {
    if (!this.socket?.connected || !this.sessionReady) return;
    for (const item of this.pending.splice(0)) {
      // no session id: the server writes into the session of this connection
      this.socket.emit(this.config.userMessageEvent, {
        message: item.message,
        [this.config.metadataKey]: item.metadata,
      });
    }
  }

  private receive(data: unknown): void {
    // a late reply of a conversation this connection has just left (e.g. deleted)
    if (!this.sessionReady) return;
    if (typeof data !== "object" || data === null) return;
    const d = data as Record<string, unknown>;
    const text = typeof d.text === "string" ? d.text : "";
    const buttons = toButtons(d.buttons ?? d.quick_replies);
    const sources = toSources(d.sources);
    if (!text && !buttons.length) return;
    const message: ChatMessage = {
      id: typeof d.id === "string" && d.id ? d.id : newId(),
      from: "bot",
      text,
    };
    if (typeof d.language === "string" && /^[a-z]{2,3}$/.test(d.language)) {
      message.language = d.language;
    }
    if (buttons.length) message.buttons = buttons;
    if (sources.length) message.sources = sources;
    const response = toResponseName(d.response);
    if (response) message.response = response;
    if (typeof d.contacts_text === "string" && d.contacts_text && text.includes(d.contacts_text)) {
      message.contactsText = d.contacts_text;
      message.contacts = toContactLinks(d.contacts);
    }
    this.waiting = false;
    this.updateTyping();
    this.add(message);
  }

  // --- connection -------------------------------------------------------------------

  private connect(): void {
    const options = { path: this.config.socketPath, autoConnect: false };
    const ns = this.config.namespace ? `/${this.config.namespace.replace(/^\//, "")}` : undefined;
    const socket = ns ? io(ns, options) : io(options);
    this.socket = socket;

    socket.on("connect", () => {
      window.clearTimeout(this.offlineTimer);
      this.requestSession();
    });
    socket.on("session_confirm", (data: unknown) => this.confirmSession(data));
    socket.on("disconnect", () => {
      this.sessionReady = false;
      this.serverTyping = false;
      this.updateTyping();
      this.setConnection("connecting");
      window.clearTimeout(this.offlineTimer);
      this.offlineTimer = window.setTimeout(() => {
        if (!socket.connected) this.setConnection("offline");
      }, OFFLINE_NOTICE_DELAY_MS);
    });
    socket.on(this.config.botMessageEvent, (data: unknown) => this.receive(data));
    socket.on(this.config.typingEvent, (data: unknown) => {
      const typing = typeof data === "object" && data !== null && (data as { typing?: unknown }).typing === true;
      this.serverTyping = typing;
      if (!typing) this.setWaiting(false);
      else this.updateTyping();
    });
    socket.connect();
  }

  /** Asks for the stored session (or a new one); also after every reconnect. */
  private requestSession(): void {
    this.sessionReady = false;
    if (!this.socket?.connected) return;
    const request: Record<string, string> = {};
    if (this.sessionToken) request.session_token = this.sessionToken;
    const forget = loadForgetToken();
    if (forget) request.forget_token = forget;
    this.socket.emit("session_request", request);
  }

  private confirmSession(data: unknown): void {
    if (typeof data === "object" && data !== null) {
      const { session_token: token, forgotten } = data as Record<string, unknown>;
      if (typeof token !== "string" || !token) return;
      if (forgotten === true) saveForgetToken(null); // false: asked again on the next connect
      this.sessionToken = token;
      saveSessionToken(token);
    } else if (typeof data !== "string") {
      return; // a string: a server without persistent sessions (one per connection)
    }
    this.sessionReady = true;
    this.setConnection("online");
    this.flush();
  }
}

/** The media query of the phone layout (style.css): the chat fills the screen. */
const PHONE_LAYOUT = "(max-width: 40rem)";

/**
 * Keeps `--app-height` at the height of the visible part of the page, so that on a phone
 * the chat ends (and its input sits) right above the on-screen keyboard also where the
 * keyboard only covers the page (Safari) instead of resizing it (Chromium with
 * `interactive-widget=resizes-content`; there both are the same). Not while zoomed in.
 */
function trackVisualViewport(): void {
  const viewport = window.visualViewport;
  if (!viewport) return;
  const update = (): void => {
    if (Math.abs(viewport.scale - 1) > 0.01) return;
    document.documentElement.style.setProperty("--app-height", `${Math.round(viewport.height)}px`);
  };
  viewport.addEventListener("resize", update);
  update();
}

async function main(): Promise<void> {
  const config = await loadConfig();
  new WebChat(config).start();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", () => void main());
} else {
  void main();
}
