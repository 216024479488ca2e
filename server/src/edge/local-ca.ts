/**
 * The local certificate authority of the LAN https origin: made on first
 * start in `<data dir>/tls/`, kept for 10 years, and the server certificate
 * it signs for this machine's names and addresses, re-issued when that set
 * changes or when it has less than 30 days left. The system `openssl` does
 * the cryptography; keys are written with mode 0600 in a private folder.
 */
import { execFileSync } from "node:child_process";
import { createHash, randomBytes, X509Certificate } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";

/** The folder under the data directory that holds the CA and the server certificate. */
export const TLS_DIR = "tls";
/** A server certificate is valid this long (browsers refuse more than 398 days). */
const SERVER_DAYS = 397;
/** ... and is re-issued when it has less than this left. */
const RENEW_BEFORE_SECONDS = 30 * 86_400;
const CA_DAYS = 3650;

/** The certificate material the https listener needs. */
export interface LanCertificates {
  /** The CA certificate (PEM): what devices install, served at /ca.crt. */
  readonly caCert: string;
  /** The server certificate (PEM) followed by the CA's, as TLS sends the chain. */
  readonly certChain: string;
  readonly key: string;
  /** Where the CA certificate is on disk. */
  readonly caCertPath: string;
  /** The names and IPs the server certificate covers. */
  readonly altNames: readonly string[];
  /** Whether this start made the CA or the server certificate (for the log). */
  readonly created: { readonly ca: boolean; readonly server: boolean };
}

/** Runs openssl with arguments (never through a shell); its errors name the step. */
function openssl(args: string[], what: string): string {
  try {
    return execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    const detail = (err as { stderr?: string; code?: string }).code === "ENOENT" ? "the openssl command is not installed" : String((err as { stderr?: string }).stderr ?? err).trim();
    throw new Error(`could not ${what} for the LAN https origin: ${detail}`);
  }
}

/** Writes files made in a private temporary folder into `dir`, keys with mode 0600. */
function install(tmp: string, dir: string, files: readonly string[]): void {
  for (const name of files) {
    if (name.endsWith(".key")) chmodSync(join(tmp, name), 0o600);
    renameSync(join(tmp, name), join(dir, name));
  }
}

function makeCa(dir: string, tmp: string, commonName: string): void {
  openssl(
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-sha256", "-days", String(CA_DAYS),
      "-keyout", join(tmp, "ca.key"), "-out", join(tmp, "ca.crt"), "-subj", `/O=headcount/CN=${commonName}`,
      "-addext", "basicConstraints=critical,CA:TRUE,pathlen:0", "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
    "make the local CA",
  );
  install(tmp, dir, ["ca.key", "ca.crt"]);
}

function makeServerCert(dir: string, tmp: string, altNames: readonly string[]): void {
  const san = altNames.map((name) => (isIP(name) ? `IP:${name}` : `DNS:${name}`)).join(",");
  writeFileSync(
    join(tmp, "server.ext"),
    `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\nsubjectAltName=${san}\n`,
  );
  openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", join(tmp, "server.key"),
    "-out", join(tmp, "server.csr"), "-subj", `/O=headcount/CN=${altNames.find((n) => !isIP(n) && n !== "localhost") ?? "localhost"}`], "make the server key");
  openssl(["x509", "-req", "-in", join(tmp, "server.csr"), "-CA", join(dir, "ca.crt"), "-CAkey", join(dir, "ca.key"),
    "-set_serial", `0x${randomBytes(16).toString("hex")}`, "-days", String(SERVER_DAYS), "-sha256", "-extfile", join(tmp, "server.ext"),
    "-out", join(tmp, "server.crt")], "sign the server certificate");
  writeFileSync(join(tmp, "server.names"), `${JSON.stringify([...altNames])}\n`);
  install(tmp, dir, ["server.key", "server.crt", "server.names"]);
}

/** Why the server certificate must be (re-)issued, or null when it is still good. */
function renewalReason(dir: string, altNames: readonly string[], caCert: string): string | null {
  if (!existsSync(join(dir, "server.crt")) || !existsSync(join(dir, "server.key"))) return "none yet";
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(readFileSync(join(dir, "server.crt")));
  } catch {
    return "unreadable";
  }
  if (!cert.checkIssued(new X509Certificate(caCert)) || !cert.verify(new X509Certificate(caCert).publicKey)) return "signed by another CA";
  if (Date.parse(cert.validTo) - Date.now() < RENEW_BEFORE_SECONDS * 1000) return "expires soon";
  let covered: string[] = [];
  try {
    covered = JSON.parse(readFileSync(join(dir, "server.names"), "utf8")) as string[];
  } catch {
    return "unknown names";
  }
  return [...covered].sort().join(",") === [...altNames].sort().join(",") ? null : "addresses changed";
}

/**
 * Makes (or reuses) the CA and a server certificate for `altNames` under
 * `<dataDir>/tls`, and returns them. `commonName` names the CA, as devices list it.
 */
export function ensureLanCertificates(dataDir: string, altNames: readonly string[], commonName: string): LanCertificates & { readonly renewal: string | null } {
  const dir = join(dataDir, TLS_DIR);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const tmp = mkdtempSync(join(dir, ".new-"));
  try {
    const makesCa = !existsSync(join(dir, "ca.crt")) || !existsSync(join(dir, "ca.key"));
    if (makesCa) makeCa(dir, tmp, commonName);
    const caCert = readFileSync(join(dir, "ca.crt"), "utf8");
    const renewal = renewalReason(dir, altNames, caCert);
    if (renewal) makeServerCert(dir, tmp, altNames);
    return {
      caCert,
      certChain: `${readFileSync(join(dir, "server.crt"), "utf8").trimEnd()}\n${caCert}`,
      key: readFileSync(join(dir, "server.key"), "utf8"),
      caCertPath: join(dir, "ca.crt"),
      altNames,
      created: { ca: makesCa, server: renewal !== null },
      renewal,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * The base64 SHA-256 of a certificate's public key (SubjectPublicKeyInfo):
 * what Chromium's --ignore-certificate-errors-spki-list and HPKP-style pins take.
 */
export function spkiSha256(certPem: string): string {
  const spki = new X509Certificate(certPem).publicKey.export({ type: "spki", format: "der" });
  return createHash("sha256").update(spki).digest("base64");
}
