// The only links the widget makes from what the server sends: http(s) addresses, phone
// numbers (tel:) and e-mail addresses (mailto:); no javascript:, data: or the like.

/** Only http(s) addresses become links (no javascript:, data: …). */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url, window.location.href);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** `tel:` link target: digits and a leading +, as dialled. */
export function telHref(phone: string): string | null {
  const dialled = phone.replace(/[^\d+]/g, "").replace(/(?!^)\+/g, "");
  return /\d{3,}/.test(dialled) ? `tel:${dialled}` : null;
}

export function mailHref(email: string): string | null {
  return /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/.test(email) ? `mailto:${email}` : null;
}
