// The secret detectors, as data. Owns what counts as a secret; promises that every pattern is
// linear-time (bounded repetition only, no nested quantifiers, each start guarded by a
// lookbehind so a run of token characters is entered once) and that at least one of a
// detector's `anchors` occurs inside every match it can produce (the prefilter relies on it).
// Order is priority: on overlapping matches the earlier detector wins, so precise prefixes come
// first, context rules (Bearer, Basic, URL passwords) next, identifiers (email) last.

export interface Detector {
  /** Kind name: counted in hits, upper-cased in placeholders, shown in `[REDACTED:<id>]`. */
  readonly id: string;
  readonly tier: "secret" | "identifier";
  /** Literals (case-sensitive); every match contains one. Strings without any are skipped. */
  readonly anchors: readonly string[];
  /** The pattern (its flags are ignored: the scanner compiles its own copy); never matches "". */
  readonly pattern: RegExp;
  /**
   * Capture group holding the secret (the rest of the match is context kept as is), or a pair
   * [a, b]: from the start of group a to the end of group b (a group may sit in a lookbehind, so
   * the regex can start at a rare literal such as "@" or "://").
   */
  readonly group?: number | readonly [number, number];
  /** Last word on a candidate secret (checksums, templates, well-known non-secrets). */
  readonly validate?: (secret: string) => boolean;
}

/** Start of a token: not inside a run of word characters, except right after an escaped \n, \r or \t. */
const B = String.raw`(?:(?<![A-Za-z0-9_])|(?<=\\[nrt]))`;
/** End of a token of [A-Za-z0-9]: the run stops here. */
const E = "(?![A-Za-z0-9])";
/** Quotes around keys and values, also when the text is JSON inside a JSON string. */
const Q = String.raw`[\\"']{0,3}`;
const URL_START = "(?<![A-Za-z0-9+.-])";
const URL_USER_PASS = String.raw`://[^\s:/@"'\\<>]{0,128}:([^\s/"'\\<>]{1,256})@(?=[^\s/@"'\\<>])`;
/** Armor headers (Proc-Type, DEK-Info, Version, ...): one line each, split one way only. */
const PEM_HEADERS = String.raw`(?:\s{0,4}[A-Z][A-Za-z-]{1,20}: [^\n\\]{0,200}(?:\\r|\r)?(?:\\n|\n)){0,6}`;
/** Base64 lines up to the END line; the newlines may be JSON escapes. */
const PEM_BODY = String.raw`[A-Za-z0-9+/=\s\\]{0,16384}`;
/**
 * A key cut short (no END line): base64 and line breaks only, ending where a word does not go
 * on, so prose or a token on the next line is left to its own detector.
 */
const PEM_CUT = String.raw`[A-Za-z0-9+/=\\\r\n]{0,16384}(?![A-Za-z0-9_.-])`;

/** A detector pattern; backslashes are taken literally, as in String.raw. */
function rx(strings: TemplateStringsArray, ...parts: string[]): RegExp {
  return new RegExp(String.raw({ raw: strings.raw }, ...parts));
}

/** Template or example text that stands in for a password rather than being one. */
function notTemplate(secret: string): boolean {
  return !/^(?:\$\{.*\}|\$[A-Za-z_][A-Za-z0-9_]*|<[^>]*>|\{\{.*\}\}|%s|\*+|x+|\.+)$/i.test(secret);
}

function hasDigitAndLetter(secret: string): boolean {
  return /[0-9]/.test(secret) && /[A-Za-z]/.test(secret);
}

/** A Basic credential is base64 of printable "user:password". */
function isBasicCredential(secret: string): boolean {
  let decoded: string;
  try {
    decoded = atob(secret);
  } catch {
    return false;
  }
  return decoded.includes(":") && /^[\x20-\x7e]+$/.test(decoded);
}

const NOT_PERSONAL_MAILBOX = new Set(["git", "noreply", "no-reply"]);

function isEmail(secret: string): boolean {
  const at = secret.lastIndexOf("@");
  // git@github.com is ssh syntax; icon@2x.png is an asset name.
  if (at <= 8 && NOT_PERSONAL_MAILBOX.has(secret.slice(0, at).toLowerCase())) return false;
  const first = secret.charCodeAt(at + 1);
  return !(first >= 48 && first <= 57 && /^\d+(?:\.\d+)?x\./i.test(secret.slice(at + 1)));
}

export const DETECTORS: readonly Detector[] = [
  {
    id: "gcp_service_account",
    tier: "secret",
    anchors: ["private_key"],
    pattern: rx`private_key${Q}\s{0,3}:\s{0,3}${Q}(-----BEGIN PRIVATE KEY-----${PEM_BODY}-----END PRIVATE KEY-----)`,
    group: 1,
  },
  {
    id: "private_key",
    tier: "secret",
    anchors: ["PRIVATE KEY"],
    pattern: rx`-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----${PEM_HEADERS}(?:${PEM_BODY}-----END [A-Z]{0,10} ?PRIVATE KEY(?: BLOCK)?-----|${PEM_CUT})`,
  },
  {
    id: "anthropic_key",
    tier: "secret",
    anchors: ["sk-ant-"],
    pattern: rx`${B}sk-ant-(?:api|admin|oat|ort|sid)[0-9]{2}-[A-Za-z0-9_-]{32,300}`,
  },
  {
    id: "openrouter_key",
    tier: "secret",
    anchors: ["sk-or-v1-"],
    pattern: rx`${B}sk-or-v1-[a-f0-9]{64}${E}`,
  },
  {
    id: "openai_key",
    tier: "secret",
    anchors: ["sk-"],
    pattern: rx`${B}sk-(?:(?:proj|svcacct|admin|None)-[A-Za-z0-9_-]{20,300}|[A-Za-z0-9]{48}(?![A-Za-z0-9_-]))`,
  },
  {
    id: "deepseek_key",
    tier: "secret",
    anchors: ["sk-"],
    pattern: rx`${B}sk-[a-f0-9]{32}(?![A-Za-z0-9_-])`,
  },
  {
    id: "github_token",
    tier: "secret",
    anchors: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"],
    pattern: rx`${B}(?:gh[pousr]_[A-Za-z0-9]{36,251}|github_pat_[A-Za-z0-9_]{60,251})`,
  },
  {
    id: "gitlab_token",
    tier: "secret",
    anchors: ["glpat-"],
    pattern: rx`${B}glpat-[A-Za-z0-9_-]{20,300}`,
  },
  {
    id: "slack_token",
    tier: "secret",
    anchors: ["xox", "xapp-"],
    pattern: rx`${B}(?:xox(?:[abposr]|e(?:\.xox[bp])?)|xapp-[0-9])-[A-Za-z0-9-]{10,250}`,
  },
  {
    id: "slack_webhook",
    tier: "secret",
    anchors: ["hooks.slack.com"],
    pattern: rx`https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/-]{20,250}`,
  },
  {
    id: "stripe_key",
    tier: "secret",
    anchors: ["sk_live_", "sk_test_", "rk_live_", "rk_test_", "whsec_"],
    pattern: rx`${B}(?:[sr]k_(?:live|test)_[A-Za-z0-9]{20,250}|whsec_[A-Za-z0-9+/=]{24,100})`,
  },
  {
    id: "aws_access_key",
    tier: "secret",
    anchors: ["AKIA", "ASIA", "ABIA", "ACCA", "A3T"],
    pattern: rx`${B}(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z0-9]{16}${E}`,
  },
  {
    id: "aws_secret_key",
    tier: "secret",
    anchors: ["secret_access_key", "SECRET_ACCESS_KEY", "SecretAccessKey", "secretAccessKey"],
    pattern: rx`(?:secret_access_key|SECRET_ACCESS_KEY|SecretAccessKey|secretAccessKey)${Q}\s{0,3}[:=]\s{0,3}${Q}([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+])`,
    group: 1,
  },
  {
    id: "google_api_key",
    tier: "secret",
    anchors: ["AIza"],
    pattern: rx`${B}AIza[0-9A-Za-z_-]{35}(?![0-9A-Za-z_-])`,
  },
  {
    id: "npm_token",
    tier: "secret",
    anchors: ["npm_"],
    pattern: rx`${B}npm_[A-Za-z0-9]{36}${E}`,
  },
  {
    id: "npmrc_auth_token",
    tier: "secret",
    anchors: ["_auth"],
    pattern: rx`${B}_auth(?:Token)?\s{0,3}=\s{0,3}${Q}([A-Za-z0-9_.+/=:-]{8,300})`,
    group: 1,
    validate: (s) => !s.startsWith("npm_") && notTemplate(s),
  },
  {
    id: "pypi_token",
    tier: "secret",
    anchors: ["pypi-AgE"],
    pattern: rx`${B}pypi-AgE(?:IcHlwaS5vcmc|NdGVzdC5weXBpLm9yZw)[A-Za-z0-9_-]{40,500}`,
  },
  {
    id: "huggingface_token",
    tier: "secret",
    anchors: ["hf_", "api_org_"],
    pattern: rx`${B}(?:hf|api_org)_[A-Za-z]{34}${E}`,
    // Real tokens mix cases; a one-case run is an identifier such as hf_modelcardtemplate...
    validate: (s) => /[a-z]/.test(s.slice(s.lastIndexOf("_"))) && /[A-Z]/.test(s),
  },
  {
    id: "sendgrid_key",
    tier: "secret",
    anchors: ["SG."],
    pattern: rx`${B}SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])`,
  },
  {
    id: "groq_key",
    tier: "secret",
    anchors: ["gsk_"],
    pattern: rx`${B}gsk_[A-Za-z0-9]{52}${E}`,
  },
  {
    id: "xai_key",
    tier: "secret",
    anchors: ["xai-"],
    pattern: rx`${B}xai-[A-Za-z0-9]{80}${E}`,
  },
  {
    id: "digitalocean_token",
    tier: "secret",
    anchors: ["_v1_"],
    pattern: rx`${B}do[opr]_v1_[a-f0-9]{64}${E}`,
  },
  {
    id: "sonarqube_token",
    tier: "secret",
    anchors: ["sqp_", "sqa_", "squ_"],
    pattern: rx`${B}sq[apu]_[0-9a-f]{40}${E}`,
  },
  {
    id: "hashicorp_vault_token",
    tier: "secret",
    anchors: ["hvs.", "hvb.", "hvr."],
    pattern: rx`${B}hv[sbr]\.[A-Za-z0-9_-]{24,250}`,
  },
  {
    id: "ansible_vault",
    tier: "secret",
    anchors: ["$ANSIBLE_VAULT;"],
    // The hex body ends on a hex digit that is not the start of the next word.
    pattern: rx`\$ANSIBLE_VAULT;[0-9.]{3,5};[A-Z0-9]{3,10}(?:;[A-Za-z0-9_.-]{1,64})?[\s\\n0-9a-f]{0,65536}(?<=[0-9a-f])(?![0-9A-Za-z])`,
  },
  {
    id: "jwt",
    tier: "secret",
    anchors: ["eyJ"],
    pattern: rx`${B}eyJ[A-Za-z0-9_-]{5,8192}\.eyJ[A-Za-z0-9_-]{5,65536}\.[A-Za-z0-9_-]{8,8192}(?![A-Za-z0-9_-])`,
  },
  {
    id: "db_connection_string",
    tier: "secret",
    anchors: ["://"],
    pattern: rx`(?<=${URL_START}(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|clickhouse|cockroachdb|couchdb|neo4j(?:\+s)?|jdbc:[a-z]{2,12}))${URL_USER_PASS}`,
    group: 1,
    validate: notTemplate,
  },
  {
    id: "url_credentials",
    tier: "secret",
    anchors: ["://"],
    pattern: rx`(?<=${URL_START}(?:https?|wss?|ftps?|sftp|ssh|git|smtps?|imaps?|ldaps?|svn|s3))${URL_USER_PASS}`,
    group: 1,
    validate: notTemplate,
  },
  {
    id: "bearer_token",
    tier: "secret",
    anchors: ["Bearer", "bearer", "BEARER"],
    pattern: rx`(?<![A-Za-z0-9_])(?:Bearer|bearer|BEARER)[ \t]{1,4}([A-Za-z0-9._~+/-]{20,8192}={0,2})`,
    group: 1,
    validate: hasDigitAndLetter,
  },
  {
    id: "basic_auth",
    tier: "secret",
    anchors: ["Basic", "basic", "BASIC"],
    pattern: rx`(?<![A-Za-z0-9_])(?:Basic|basic|BASIC)[ \t]{1,4}([A-Za-z0-9+/]{8,1024}={0,2})(?![A-Za-z0-9+/=])`,
    group: 1,
    validate: isBasicCredential,
  },
  {
    id: "jenkins_api_token",
    tier: "secret",
    anchors: ["11"],
    pattern: rx`${B}11[0-9a-f]{32}${E}`,
  },
  {
    id: "email",
    tier: "identifier",
    anchors: ["@"],
    pattern: rx`(?<=(?:(?<![A-Za-z0-9._%+\\-])|(?<=\\[nrt]))([A-Za-z0-9._%+-]{1,64}))@[A-Za-z0-9][A-Za-z0-9.-]{0,252}\.[A-Za-z]{2,24}(?![A-Za-z0-9-])`,
    group: [1, 0],
    validate: isEmail,
  },
];
