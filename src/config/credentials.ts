// URLs may carry credentials (http://user:pass@host, https://TOKEN@host). They are configuration
// sluice needs, never something it shows: /health, logs and `sluice check` print every URL
// through this. Pure.

/** `scheme://userinfo@` up to the authority's end; userinfo has no "/", "@" or spaces. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]+@/gi;

/** `text` with the user and password of every URL in it replaced by "***". */
export function withoutCredentials(text: string): string {
  return text.includes("://") ? text.replace(USERINFO, "$1***@") : text;
}
