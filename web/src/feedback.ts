// Rating an answer: "helpful" / "not helpful" under every answer that names its response.
// "Not helpful" first opens an optional short comment (send, or send without one). The
// rating goes to the assistant as `/feedback{"rating", "response", "comment"?}` through
// the chat's own connection, and the assistant thanks; a message is rated once.

import type { Strings } from "./i18n";
import { icon } from "./icons";
import type { Rating } from "./store";

/** The longest comment (characters); the server cuts longer ones as well. */
export const MAX_COMMENT_CHARS = 300;

export interface FeedbackOptions {
  strings: Strings;
  uiLanguage: string;
  /** The rating given earlier (from the stored conversation), if any. */
  rating?: Rating;
  /** Sends the rating; called once. */
  onRate(rating: Rating, comment: string): void;
}

let formCount = 0;

function button(className: string, label: string, iconName: "thumbUp" | "thumbDown"): HTMLButtonElement {
  const node = document.createElement("button");
  node.type = "button";
  node.className = `msg__action ${className}`;
  node.append(icon(iconName));
  const text = document.createElement("span");
  text.className = "msg__action-label";
  text.textContent = label;
  node.append(text);
  node.setAttribute("aria-pressed", "false");
  return node;
}

/**
 * Builds the rating controls of one answer: a labelled group with two toggle buttons
 * and, after "not helpful", the comment form.
 */
export function renderFeedback(options: FeedbackOptions): HTMLElement {
  const { strings, uiLanguage } = options;
  const group = document.createElement("div");
  group.className = "feedback";
  group.lang = uiLanguage;
  group.setAttribute("role", "group");
  group.setAttribute("aria-label", strings.feedbackQuestion);

  const helpful = button("feedback__helpful", strings.helpful, "thumbUp");
  const notHelpful = button("feedback__not-helpful", strings.notHelpful, "thumbDown");
  group.append(helpful, notHelpful);

  let form: HTMLFormElement | null = null;
  let rated = false;

  const lock = (rating: Rating): void => {
    rated = true;
    group.dataset.rating = rating;
    helpful.setAttribute("aria-pressed", String(rating === "helpful"));
    notHelpful.setAttribute("aria-pressed", String(rating === "not_helpful"));
    // still focusable (the state stays readable), but no second rating
    for (const node of [helpful, notHelpful]) node.setAttribute("aria-disabled", "true");
  };

  const closeForm = (): void => {
    form?.remove();
    form = null;
    notHelpful.setAttribute("aria-expanded", "false");
  };

  const rate = (rating: Rating, comment = ""): void => {
    if (rated) return;
    closeForm();
    lock(rating);
    notHelpful.removeAttribute("aria-expanded");
    options.onRate(rating, comment.trim().slice(0, MAX_COMMENT_CHARS));
  };

  const openForm = (): void => {
    if (form) {
      form.querySelector("textarea")?.focus();
      return;
    }
    formCount += 1;
    const id = `feedback-comment-${formCount}`;
    form = document.createElement("form");
    form.className = "feedback__form";
    form.id = `${id}-form`;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = strings.commentLabel;
    const field = document.createElement("textarea");
    field.id = id;
    field.className = "feedback__comment";
    field.rows = 2;
    field.maxLength = MAX_COMMENT_CHARS;
    field.dir = "auto";
    const hint = document.createElement("p");
    hint.className = "feedback__hint";
    hint.id = `${id}-hint`;
    hint.textContent = strings.commentHint.replace("{max}", String(MAX_COMMENT_CHARS));
    field.setAttribute("aria-describedby", hint.id);
    const send = document.createElement("button");
    send.type = "submit";
    send.className = "feedback__send";
    send.textContent = strings.commentSend;
    const skip = document.createElement("button");
    skip.type = "button";
    skip.className = "feedback__skip link-button";
    skip.textContent = strings.commentSkip;
    const row = document.createElement("div");
    row.className = "feedback__buttons";
    row.append(send, skip);
    form.append(label, field, hint, row);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      rate("not_helpful", field.value);
      notHelpful.focus();
    });
    skip.addEventListener("click", () => {
      rate("not_helpful");
      notHelpful.focus();
    });
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape") {
        event.preventDefault();
        closeForm();
        notHelpful.setAttribute("aria-pressed", "false");
        notHelpful.focus();
      }
    });
    // under the row of actions the group is in
    (group.closest(".msg__actions") ?? group).after(form);
    notHelpful.setAttribute("aria-controls", form.id);
    notHelpful.setAttribute("aria-expanded", "true");
    notHelpful.setAttribute("aria-pressed", "true");
    field.focus({ preventScroll: true });
    form.scrollIntoView({ block: "nearest" });
  };

  helpful.addEventListener("click", () => rate("helpful"));
  notHelpful.addEventListener("click", () => {
    if (rated) return;
    if (form) {
      // a second press takes the choice back
      closeForm();
      notHelpful.setAttribute("aria-pressed", "false");
      return;
    }
    openForm();
  });

  if (options.rating) lock(options.rating);
  return group;
}
