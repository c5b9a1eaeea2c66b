// The host's own contacts (config.json `contacts`, from the deployment's `contacts.yml`):
// shown on the page under a heading that says whose they are. Nothing is shown when the
// list is empty. Every value is inserted as text; only tel:, mailto: and http(s) links.

import type { Languages, Strings } from "./i18n";
import { mailHref, safeUrl, telHref } from "./links";

/** A text the host may give in one language or in several (`{de: …, en: …}`). */
type Text = string | Record<string, string>;

export interface Contact {
  name: Text;
  /** What the contact is for, e.g. "Beratung zu Aufenthalt, Asyl und Familiennachzug". */
  purpose: Text | null;
  phone: string | null;
  email: string | null;
  address: Text | null;
  openingHours: Text | null;
  url: string | null;
  /** ISO 639-1 codes of the languages spoken there. */
  languages: string[];
}

function toText(value: unknown): Text | null {
  if (typeof value === "string") return value.trim() ? value : null;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const entries = Object.entries(value).filter(
    (e): e is [string, string] => typeof e[1] === "string" && e[1].trim() !== "",
  );
  return entries.length ? Object.fromEntries(entries) : null;
}

function optional(value: unknown): string | null {
  return typeof value === "string" && value.trim() ? value.trim() : null;
}

/** Checks the contacts from config.json; drops entries without a name. */
export function toContacts(value: unknown): Contact[] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((c): c is Record<string, unknown> => typeof c === "object" && c !== null)
    .map((c) => ({
      name: toText(c.name),
      purpose: toText(c.purpose),
      phone: optional(c.phone),
      email: optional(c.email),
      address: toText(c.address),
      openingHours: toText(c.opening_hours ?? c.openingHours),
      url: optional(c.url),
      languages: (Array.isArray(c.languages) ? c.languages : [c.languages]).filter(
        (l): l is string => typeof l === "string" && /^[a-z]{2,3}(-[A-Za-z0-9]+)?$/.test(l),
      ),
    }))
    .filter((c): c is Contact => c.name !== null);
}

/** A text in the UI language, else German, else the first one given. */
export function localized(text: Text, language: string): string {
  if (typeof text === "string") return text;
  return text[language] ?? text.de ?? Object.values(text)[0] ?? "";
}

/** A language's name in the language itself (like the language picker). */
function languageName(code: string, languages: Languages): string {
  if (languages.has(code)) return languages.name(code);
  try {
    return new Intl.DisplayNames([code], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

function languageList(codes: string[], languages: Languages): DocumentFragment {
  const list = document.createDocumentFragment();
  codes.forEach((code, index) => {
    if (index > 0) list.append(", ");
    const name = document.createElement("span");
    name.lang = code;
    name.textContent = languageName(code, languages);
    list.append(name);
  });
  return list;
}

function field(list: HTMLElement, label: string, value: Node | string, className: string): void {
  const term = document.createElement("dt");
  term.textContent = label;
  const detail = document.createElement("dd");
  detail.className = className;
  detail.append(value);
  list.append(term, detail);
}

function link(href: string, text: string, external = false): HTMLAnchorElement {
  const node = document.createElement("a");
  node.href = href;
  node.textContent = text;
  if (external) {
    node.target = "_blank";
    node.rel = "noopener noreferrer";
  }
  return node;
}

/**
 * Fills the contacts section (heading, note, one entry per contact) in the UI language;
 * hides it when there are no contacts.
 */
export function renderContacts(
  section: HTMLElement,
  contacts: Contact[],
  strings: Strings,
  uiLanguage: string,
  languages: Languages,
): void {
  section.replaceChildren();
  section.hidden = contacts.length === 0;
  if (!contacts.length) return;
  section.lang = uiLanguage;
  section.dir = languages.direction(uiLanguage) === "rtl" ? "rtl" : "ltr";
  const heading = document.createElement("h2");
  heading.id = "contacts-title";
  heading.textContent = strings.contactsTitle;
  const note = document.createElement("p");
  note.className = "contacts__note";
  note.textContent = strings.contactsNote;
  const list = document.createElement("ul");
  list.className = "contacts__list";
  for (const contact of contacts) {
    const item = document.createElement("li");
    item.className = "contact";
    const name = document.createElement("h3");
    name.className = "contact__name";
    name.textContent = localized(contact.name, uiLanguage);
    const facts = document.createElement("dl");
    facts.className = "contact__facts";
    const tel = contact.phone ? telHref(contact.phone) : null;
    if (contact.phone) {
      field(facts, strings.contactPhone, tel ? link(tel, contact.phone) : contact.phone, "contact__phone");
    }
    const mail = contact.email ? mailHref(contact.email) : null;
    if (contact.email) {
      field(facts, strings.contactEmail, mail ? link(mail, contact.email) : contact.email, "contact__email");
    }
    if (contact.address) {
      field(facts, strings.contactAddress, localized(contact.address, uiLanguage), "contact__address");
    }
    if (contact.openingHours) {
      field(facts, strings.contactHours, localized(contact.openingHours, uiLanguage), "contact__hours");
    }
    const web = safeUrl(contact.url);
    if (web && contact.url) {
      const shown = contact.url.replace(/^https?:\/\//, "").replace(/\/$/, "");
      const anchor = link(web, shown, true);
      const hint = document.createElement("span");
      hint.className = "sr-only";
      hint.textContent = ` ${strings.newWindow}`;
      anchor.append(hint);
      field(facts, strings.contactWebsite, anchor, "contact__url");
    }
    if (contact.languages.length) {
      field(facts, strings.contactLanguages, languageList(contact.languages, languages), "contact__languages");
    }
    item.append(name);
    if (contact.purpose) {
      const purpose = document.createElement("p");
      purpose.className = "contact__purpose";
      purpose.textContent = localized(contact.purpose, uiLanguage);
      item.append(purpose);
    }
    item.append(facts);
    list.append(item);
  }
  section.append(heading, note, list);
}
