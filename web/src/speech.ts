// Read-aloud: speaks an answer with the browser's own speech synthesis
// (window.speechSynthesis), in the answer's language, with a voice of the device.
// Only voices that run on the device (`localService`) are used, so that the text never
// leaves it; where there is no such voice for a language, its buttons stay hidden.

/** The primary language subtag of a BCP 47 tag: "de-DE" and "de_DE" → "de". */
function primary(tag: string): string {
  return tag.toLowerCase().split(/[-_]/)[0];
}

export class ReadAloud {
  private readonly synth: SpeechSynthesis | null;
  private voices: SpeechSynthesisVoice[] = [];
  /** The button of the answer being read, null when none is. */
  private speaking: HTMLButtonElement | null = null;
  private readonly buttons = new Set<HTMLButtonElement>();

  constructor() {
    const synth = typeof window !== "undefined" ? window.speechSynthesis : undefined;
    const canUtter = typeof window !== "undefined" && typeof window.SpeechSynthesisUtterance === "function";
    this.synth = synth && canUtter ? synth : null;
    if (!this.synth) return;
    this.loadVoices();
    // Chromium fills the list later and says so with `voiceschanged`.
    this.synth.addEventListener?.("voiceschanged", () => this.loadVoices());
  }

  private loadVoices(): void {
    try {
      this.voices = this.synth?.getVoices() ?? [];
    } catch {
      this.voices = [];
    }
    for (const button of this.buttons) this.updateButton(button);
  }

  /** A voice on this device for a language, if there is one. */
  voiceFor(language: string): SpeechSynthesisVoice | null {
    const wanted = primary(language);
    const local = this.voices.filter((v) => v.localService !== false && primary(v.lang) === wanted);
    return local.find((v) => v.default) ?? local[0] ?? null;
  }

  /**
   * Makes a button read `text` in `language`: hidden while the device has no voice for
   * it; a second press (or a press on another answer's button) stops the reading.
   */
  attach(button: HTMLButtonElement, text: string, language: string): void {
    button.dataset.speakLanguage = language;
    button.setAttribute("aria-pressed", "false");
    button.addEventListener("click", () => this.toggle(button, text, language));
    this.buttons.add(button);
    this.updateButton(button);
  }

  /** Forgets buttons that are no longer in the page (e.g. after "Gespräch löschen"). */
  prune(): void {
    for (const button of this.buttons) {
      if (!button.isConnected) {
        if (this.speaking === button) this.stop();
        this.buttons.delete(button);
      }
    }
  }

  private updateButton(button: HTMLButtonElement): void {
    const language = button.dataset.speakLanguage ?? "";
    button.hidden = !this.synth || !this.voiceFor(language);
  }

  private toggle(button: HTMLButtonElement, text: string, language: string): void {
    const synth = this.synth;
    if (!synth) return;
    const wasThis = this.speaking === button;
    this.stop();
    if (wasThis) return;
    const voice = this.voiceFor(language);
    if (!voice) return;
    const utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = language;
    utterance.voice = voice;
    const done = (): void => {
      if (this.speaking === button) this.setSpeaking(null);
    };
    utterance.addEventListener("end", done);
    utterance.addEventListener("error", done);
    this.setSpeaking(button);
    synth.speak(utterance);
  }

  stop(): void {
    if (this.speaking) {
      this.setSpeaking(null);
      this.synth?.cancel();
    }
  }

  private setSpeaking(button: HTMLButtonElement | null): void {
    this.speaking?.setAttribute("aria-pressed", "false");
    this.speaking = button;
    button?.setAttribute("aria-pressed", "true");
  }
}
