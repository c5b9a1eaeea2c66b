// The languages the widget offers come from the server (`config.json`, the one list of
// configured languages in bot/language/names.py); this file has the widget's own labels
// in each language it has them for. Page content stays German; the widget follows the
// language the user chose, in English when there are no labels for it.

export interface Language {
  /** ISO 639-1 code, sent as `customData.language` and in `/choose_language`. */
  code: string;
  /** The language's name in the language itself. */
  name: string;
  /** Writing direction. */
  dir: "ltr" | "rtl";
}

/** The language of the page and of bot messages that name none. */
export const DEFAULT_LANGUAGE = "de";

/** The labels for a chosen language the widget has none for (not German: the user chose
 * another language, so English is the likelier one to be read). */
export const FALLBACK_UI_LANGUAGE = "en";

/** Offered only when config.json cannot be read. */
const FALLBACK_LANGUAGES: readonly Language[] = [{ code: DEFAULT_LANGUAGE, name: "Deutsch", dir: "ltr" }];

/** The configured languages, checked; the German fallback when there are none. */
export function toLanguages(value: unknown): Language[] {
  if (!Array.isArray(value)) return [...FALLBACK_LANGUAGES];
  const languages = value
    .filter((l): l is Record<string, unknown> => typeof l === "object" && l !== null)
    .filter((l) => typeof l.code === "string" && /^[a-z]{2,3}(-[a-z0-9]+)?$/i.test(l.code))
    .map((l) => ({
      code: l.code as string,
      name: typeof l.name === "string" && l.name ? l.name : (l.code as string),
      dir: l.dir === "rtl" ? ("rtl" as const) : ("ltr" as const),
    }));
  return languages.length ? languages : [...FALLBACK_LANGUAGES];
}

/** The languages users can choose, with what the widget needs to know about them. */
export class Languages {
  constructor(readonly list: readonly Language[]) {}

  has(code: unknown): code is string {
    return typeof code === "string" && this.list.some((l) => l.code === code);
  }

  name(code: string): string {
    return this.list.find((l) => l.code === code)?.name ?? code;
  }

  /** The writing direction of a text in a language; "auto" lets the browser decide for
   * a language that is not configured (e.g. in a conversation kept from before). */
  direction(code: string): "ltr" | "rtl" | "auto" {
    return this.list.find((l) => l.code === code)?.dir ?? "auto";
  }
}

export interface Strings {
  title: string;
  language: string;
  privacy: string;
  hint: string;
  inputLabel: string;
  placeholder: string;
  send: string;
  human: string;
  /** Shown as the user's message when the "talk to a human" button is used. */
  handoffText: string;
  clear: string;
  typing: string;
  you: string;
  bot: string;
  source: string;
  sources: string;
  undated: string;
  connecting: string;
  offline: string;
  log: string;
  quickReplies: string;
  newWindow: string;
  /** The link that shows the page's introduction on a phone. */
  about: string;
  readAloud: string;
  /** The name of the group of the two rating buttons. */
  feedbackQuestion: string;
  helpful: string;
  notHelpful: string;
  commentLabel: string;
  /** `{max}` is replaced with the longest comment. */
  commentHint: string;
  commentSend: string;
  commentSkip: string;
  contactsTitle: string;
  /** Says that the contacts come from whoever runs the page, not from the sources. */
  contactsNote: string;
  contactPhone: string;
  contactEmail: string;
  contactAddress: string;
  contactHours: string;
  contactWebsite: string;
  contactLanguages: string;
}

const de: Strings = {
  title: "Chat: Fragen zur Integration",
  language: "Sprache",
  privacy:
    "Bitte keine persönlichen Daten eingeben – zum Beispiel keinen Namen, keine Adresse und kein Aktenzeichen. Der Chat ist ein Computerprogramm. Er gibt allgemeine Auskünfte, keine Beratung im Einzelfall.",
  hint: "Schreiben Sie Ihre Frage, zum Beispiel „Wo finde ich einen Deutschkurs?“, oder „Hilfe“ für eine Liste der Themen.",
  inputLabel: "Ihre Frage",
  placeholder: "Schreiben Sie Ihre Frage …",
  send: "Senden",
  human: "Mit einem Menschen sprechen",
  handoffText: "Ich möchte mit einem Menschen sprechen",
  clear: "Gespräch löschen",
  typing: "Der Assistent schreibt …",
  you: "Sie",
  bot: "Assistent",
  source: "Quelle",
  sources: "Quellen",
  undated: "ohne Datum",
  connecting: "Verbindung wird hergestellt …",
  offline: "Keine Verbindung zum Server. Neuer Versuch läuft …",
  log: "Chatverlauf",
  quickReplies: "Antwortvorschläge",
  newWindow: "(öffnet in neuem Fenster)",
  about: "Über diesen Assistenten",
  readAloud: "Vorlesen",
  feedbackQuestion: "War diese Antwort hilfreich?",
  helpful: "Hilfreich",
  notHelpful: "Nicht hilfreich",
  commentLabel: "Was hat gefehlt? (freiwillig)",
  commentHint: "Höchstens {max} Zeichen. Bitte keine persönlichen Daten.",
  commentSend: "Rückmeldung senden",
  commentSkip: "Ohne Kommentar senden",
  contactsTitle: "Ansprechstellen vor Ort",
  contactsNote: "Diese Kontakte hat der Betreiber dieser Seite selbst eingetragen. Sie stammen nicht aus den Quellen des Chats.",
  contactPhone: "Telefon",
  contactEmail: "E-Mail",
  contactAddress: "Adresse",
  contactHours: "Öffnungszeiten",
  contactWebsite: "Website",
  contactLanguages: "Sprachen",
};

const en: Strings = {
  title: "Chat: questions about integration",
  language: "Language",
  privacy:
    "Please do not enter personal data – for example no name, no address and no file number. This chat is a computer program. It gives general information, not advice on individual cases.",
  hint: "Type your question, for example “Where can I find a German course?”, or “Help” for a list of topics.",
  inputLabel: "Your question",
  placeholder: "Type your question …",
  send: "Send",
  human: "Talk to a person",
  handoffText: "I want to talk to a human.",
  clear: "Delete conversation",
  typing: "The assistant is typing …",
  you: "You",
  bot: "Assistant",
  source: "Source",
  sources: "Sources",
  undated: "undated",
  connecting: "Connecting …",
  offline: "No connection to the server. Trying again …",
  log: "Chat history",
  quickReplies: "Suggested replies",
  newWindow: "(opens in a new window)",
  about: "About this assistant",
  readAloud: "Read aloud",
  feedbackQuestion: "Was this answer helpful?",
  helpful: "Helpful",
  notHelpful: "Not helpful",
  commentLabel: "What was missing? (optional)",
  commentHint: "At most {max} characters. Please no personal data.",
  commentSend: "Send feedback",
  commentSkip: "Send without comment",
  contactsTitle: "Local contacts",
  contactsNote: "The operator of this page entered these contacts. They do not come from the chat's sources.",
  contactPhone: "Phone",
  contactEmail: "Email",
  contactAddress: "Address",
  contactHours: "Opening hours",
  contactWebsite: "Website",
  contactLanguages: "Languages",
};

const ar: Strings = {
  title: "محادثة: أسئلة حول الاندماج",
  language: "اللغة",
  privacy:
    "يرجى عدم إدخال بيانات شخصية – مثل الاسم أو العنوان أو رقم الملف. هذه المحادثة برنامج حاسوبي. تقدّم معلومات عامة، وليس استشارة في الحالات الفردية.",
  hint: "اكتب سؤالك، مثلًا «أين أجد دورة لغة ألمانية؟»، أو «مساعدة» لعرض قائمة المواضيع.",
  inputLabel: "سؤالك",
  placeholder: "اكتب سؤالك …",
  send: "إرسال",
  human: "التحدث مع إنسان",
  handoffText: "أريد التحدث مع إنسان.",
  clear: "حذف المحادثة",
  typing: "المساعد يكتب …",
  you: "أنت",
  bot: "المساعد",
  source: "المصدر",
  sources: "المصادر",
  undated: "بدون تاريخ",
  connecting: "جارٍ الاتصال …",
  offline: "لا يوجد اتصال بالخادم. جارٍ إعادة المحاولة …",
  log: "سجل المحادثة",
  quickReplies: "ردود مقترحة",
  newWindow: "(يفتح في نافذة جديدة)",
  about: "حول هذا المساعد",
  readAloud: "قراءة بصوت عالٍ",
  feedbackQuestion: "هل كانت هذه الإجابة مفيدة؟",
  helpful: "مفيدة",
  notHelpful: "غير مفيدة",
  commentLabel: "ما الذي كان ناقصًا؟ (اختياري)",
  commentHint: "{max} حرف كحد أقصى. يرجى عدم إدخال بيانات شخصية.",
  commentSend: "إرسال التقييم",
  commentSkip: "إرسال بدون تعليق",
  contactsTitle: "جهات الاتصال المحلية",
  contactsNote: "أدخل مشغّل هذه الصفحة جهات الاتصال هذه بنفسه. وهي ليست من مصادر المحادثة.",
  contactPhone: "الهاتف",
  contactEmail: "البريد الإلكتروني",
  contactAddress: "العنوان",
  contactHours: "ساعات العمل",
  contactWebsite: "الموقع الإلكتروني",
  contactLanguages: "اللغات",
};

const fa: Strings = {
  title: "گفتگو: پرسش‌هایی درباره ادغام",
  language: "زبان",
  privacy:
    "لطفاً اطلاعات شخصی وارد نکنید – مثلاً نام، نشانی یا شماره پرونده. این گفتگو یک برنامه رایانه‌ای است. اطلاعات کلی می‌دهد، نه مشاوره برای موارد شخصی.",
  hint: "پرسش خود را بنویسید، مثلاً «کجا می‌توانم کلاس زبان آلمانی پیدا کنم؟»، یا «کمک» برای فهرست موضوع‌ها.",
  inputLabel: "پرسش شما",
  placeholder: "پرسش خود را بنویسید …",
  send: "ارسال",
  human: "گفتگو با یک انسان",
  handoffText: "می‌خواهم با یک انسان صحبت کنم.",
  clear: "پاک کردن گفتگو",
  typing: "دستیار در حال نوشتن است …",
  you: "شما",
  bot: "دستیار",
  source: "منبع",
  sources: "منابع",
  undated: "بدون تاریخ",
  connecting: "در حال اتصال …",
  offline: "اتصال به سرور برقرار نیست. تلاش دوباره …",
  log: "تاریخچه گفتگو",
  quickReplies: "پاسخ‌های پیشنهادی",
  newWindow: "(در پنجره جدید باز می‌شود)",
  about: "درباره این دستیار",
  readAloud: "بلند خواندن",
  feedbackQuestion: "آیا این پاسخ مفید بود؟",
  helpful: "مفید بود",
  notHelpful: "مفید نبود",
  commentLabel: "چه چیزی کم بود؟ (اختیاری)",
  commentHint: "حداکثر {max} نویسه. لطفاً اطلاعات شخصی وارد نکنید.",
  commentSend: "ارسال بازخورد",
  commentSkip: "ارسال بدون توضیح",
  contactsTitle: "مراکز تماس محلی",
  contactsNote: "این اطلاعات تماس را گرداننده این صفحه خودش وارد کرده است. از منابع گفتگو نیستند.",
  contactPhone: "تلفن",
  contactEmail: "ایمیل",
  contactAddress: "نشانی",
  contactHours: "ساعت‌های کاری",
  contactWebsite: "وب‌سایت",
  contactLanguages: "زبان‌ها",
};

const tr: Strings = {
  title: "Sohbet: Uyum hakkında sorular",
  language: "Dil",
  privacy:
    "Lütfen kişisel bilgilerinizi girmeyin – örneğin adınızı, adresinizi veya dosya numaranızı. Bu sohbet bir bilgisayar programıdır. Genel bilgi verir, kişisel durumlar için danışmanlık yapmaz.",
  hint: "Sorunuzu yazın, örneğin „Almanca kursunu nerede bulabilirim?“ ya da konuların listesi için „Yardım“.",
  inputLabel: "Sorunuz",
  placeholder: "Sorunuzu yazın …",
  send: "Gönder",
  human: "Bir insanla konuşmak",
  handoffText: "Bir insanla konuşmak istiyorum.",
  clear: "Sohbeti sil",
  typing: "Asistan yazıyor …",
  you: "Siz",
  bot: "Asistan",
  source: "Kaynak",
  sources: "Kaynaklar",
  undated: "tarihsiz",
  connecting: "Bağlanıyor …",
  offline: "Sunucuya bağlantı yok. Yeniden deneniyor …",
  log: "Sohbet geçmişi",
  quickReplies: "Yanıt önerileri",
  newWindow: "(yeni pencerede açılır)",
  about: "Bu asistan hakkında",
  readAloud: "Sesli oku",
  feedbackQuestion: "Bu yanıt yardımcı oldu mu?",
  helpful: "Yardımcı oldu",
  notHelpful: "Yardımcı olmadı",
  commentLabel: "Ne eksikti? (isteğe bağlı)",
  commentHint: "En fazla {max} karakter. Lütfen kişisel bilgi yazmayın.",
  commentSend: "Geri bildirim gönder",
  commentSkip: "Yorumsuz gönder",
  contactsTitle: "Yerel iletişim noktaları",
  contactsNote: "Bu iletişim bilgilerini bu sayfanın işletmecisi kendisi girdi. Sohbetin kaynaklarından gelmiyorlar.",
  contactPhone: "Telefon",
  contactEmail: "E-posta",
  contactAddress: "Adres",
  contactHours: "Çalışma saatleri",
  contactWebsite: "Web sitesi",
  contactLanguages: "Diller",
};

const uk: Strings = {
  title: "Чат: питання про інтеграцію",
  language: "Мова",
  privacy:
    "Будь ласка, не вводьте особисті дані – наприклад, ім’я, адресу чи номер справи. Цей чат – комп’ютерна програма. Він надає загальну інформацію, а не консультацію щодо окремих випадків.",
  hint: "Напишіть своє питання, наприклад «Де знайти курс німецької мови?», або «Допомога», щоб побачити список тем.",
  inputLabel: "Ваше питання",
  placeholder: "Напишіть своє питання …",
  send: "Надіслати",
  human: "Поговорити з людиною",
  handoffText: "Я хочу поговорити з людиною.",
  clear: "Видалити розмову",
  typing: "Асистент пише …",
  you: "Ви",
  bot: "Асистент",
  source: "Джерело",
  sources: "Джерела",
  undated: "без дати",
  connecting: "З’єднання …",
  offline: "Немає з’єднання із сервером. Повторна спроба …",
  log: "Історія чату",
  quickReplies: "Варіанти відповідей",
  newWindow: "(відкривається в новому вікні)",
  about: "Про цього асистента",
  readAloud: "Прочитати вголос",
  feedbackQuestion: "Чи була ця відповідь корисною?",
  helpful: "Корисно",
  notHelpful: "Не корисно",
  commentLabel: "Чого бракувало? (необов’язково)",
  commentHint: "Не більше {max} символів. Будь ласка, без особистих даних.",
  commentSend: "Надіслати відгук",
  commentSkip: "Надіслати без коментаря",
  contactsTitle: "Місцеві контакти",
  contactsNote: "Ці контакти вніс сам власник цієї сторінки. Вони не з джерел чату.",
  contactPhone: "Телефон",
  contactEmail: "Ел. пошта",
  contactAddress: "Адреса",
  contactHours: "Години роботи",
  contactWebsite: "Вебсайт",
  contactLanguages: "Мови",
};

const ru: Strings = {
  title: "Чат: вопросы об интеграции",
  language: "Язык",
  privacy:
    "Пожалуйста, не вводите личные данные – например, имя, адрес или номер дела. Этот чат – компьютерная программа. Он даёт общую информацию, а не консультацию по личным вопросам.",
  hint: "Напишите свой вопрос, например «Где найти курс немецкого языка?», или «Помощь», чтобы увидеть список тем.",
  inputLabel: "Ваш вопрос",
  placeholder: "Напишите свой вопрос …",
  send: "Отправить",
  human: "Поговорить с человеком",
  handoffText: "Я хочу поговорить с человеком.",
  clear: "Удалить разговор",
  typing: "Ассистент пишет …",
  you: "Вы",
  bot: "Ассистент",
  source: "Источник",
  sources: "Источники",
  undated: "без даты",
  connecting: "Подключение …",
  offline: "Нет соединения с сервером. Повторная попытка …",
  log: "История чата",
  quickReplies: "Варианты ответов",
  newWindow: "(открывается в новом окне)",
  about: "Об этом ассистенте",
  readAloud: "Прочитать вслух",
  feedbackQuestion: "Был ли этот ответ полезен?",
  helpful: "Полезно",
  notHelpful: "Не полезно",
  commentLabel: "Чего не хватило? (необязательно)",
  commentHint: "Не более {max} символов. Пожалуйста, без личных данных.",
  commentSend: "Отправить отзыв",
  commentSkip: "Отправить без комментария",
  contactsTitle: "Местные контакты",
  contactsNote: "Эти контакты внёс сам владелец этой страницы. Они не из источников чата.",
  contactPhone: "Телефон",
  contactEmail: "Эл. почта",
  contactAddress: "Адрес",
  contactHours: "Часы работы",
  contactWebsite: "Сайт",
  contactLanguages: "Языки",
};

const fr: Strings = {
  title: "Chat : questions sur l’intégration",
  language: "Langue",
  privacy:
    "Merci de ne pas saisir de données personnelles – par exemple pas de nom, pas d’adresse, pas de numéro de dossier. Ce chat est un programme informatique. Il donne des informations générales, pas de conseil sur un cas individuel.",
  hint: "Écrivez votre question, par exemple « Où trouver un cours d’allemand ? », ou « Aide » pour la liste des thèmes.",
  inputLabel: "Votre question",
  placeholder: "Écrivez votre question …",
  send: "Envoyer",
  human: "Parler à une personne",
  handoffText: "Je voudrais parler à une personne.",
  clear: "Effacer la conversation",
  typing: "L’assistant écrit …",
  you: "Vous",
  bot: "Assistant",
  source: "Source",
  sources: "Sources",
  undated: "sans date",
  connecting: "Connexion …",
  offline: "Pas de connexion au serveur. Nouvelle tentative …",
  log: "Historique du chat",
  quickReplies: "Suggestions de réponse",
  newWindow: "(s’ouvre dans une nouvelle fenêtre)",
  about: "À propos de cet assistant",
  readAloud: "Lire à voix haute",
  feedbackQuestion: "Cette réponse vous a-t-elle aidé ?",
  helpful: "Utile",
  notHelpful: "Pas utile",
  commentLabel: "Qu’est-ce qui manquait ? (facultatif)",
  commentHint: "{max} caractères au maximum. Merci de ne pas saisir de données personnelles.",
  commentSend: "Envoyer l’avis",
  commentSkip: "Envoyer sans commentaire",
  contactsTitle: "Contacts sur place",
  contactsNote: "L’exploitant de cette page a saisi lui-même ces contacts. Ils ne proviennent pas des sources du chat.",
  contactPhone: "Téléphone",
  contactEmail: "E-mail",
  contactAddress: "Adresse",
  contactHours: "Horaires d’ouverture",
  contactWebsite: "Site web",
  contactLanguages: "Langues",
};

const STRINGS: Record<string, Strings> = { de, en, ar, fa, tr, uk, ru, fr };

/** The language of the widget's labels for a chosen language (null: none chosen). */
export function uiLanguageFor(chosen: string | null): string {
  if (chosen === null) return DEFAULT_LANGUAGE;
  return chosen in STRINGS ? chosen : FALLBACK_UI_LANGUAGE;
}

/** Returns the widget labels in a language that has them (see `uiLanguageFor`). */
export function stringsFor(uiLanguage: string): Strings {
  return STRINGS[uiLanguage] ?? de;
}
