/**
 * English message (with {0} … for what varies: a number, a PID, a time, one word without spaces;
 * {0+} for text quoted as it came, spaces and all: what curl or the server printed) → its
 * translation (with the same placeholders). A translation may also say {0:клиент|клиента|клиентов}:
 * the word in the form the number {0} asks for, by Intl.PluralRules (one|few|many|other).
 */
export type MessageTable = Readonly<Record<string, string>>;
