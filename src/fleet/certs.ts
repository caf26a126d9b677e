// The fleet's own small PKI: one CA and one certificate per inventory host, for TLS with client
// certificates between central and the nodes' exporters. Keys come from Node's crypto (RSA 2048,
// native); node-forge issues the X.509 certificates, which Node's crypto cannot do.
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import forge from 'node-forge';

export interface KeyPair {
  /** PEM */
  cert: string;
  /** PEM, PKCS#1 */
  key: string;
}

const DAY = 86_400_000;
/** Host certificates last a year (rotate sooner with `obsctl fleet-certs --rotate`); the CA ten. */
export const hostValidityDays = 365;
const caValidityDays = 3650;

function newKey(): { pem: string; forgeKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  return { pem: privateKey, forgeKey: forge.pki.privateKeyFromPem(privateKey), publicKey: forge.pki.publicKeyFromPem(publicKey) as forge.pki.rsa.PublicKey };
}

// A positive serial (the top bit clear): RFC 5280 wants 1..20 octets, positive.
const serial = () => `${(randomBytes(1)[0]! & 0x7f).toString(16).padStart(2, '0')}${randomBytes(15).toString('hex')}`;

function validity(cert: forge.pki.Certificate, now: Date, days: number) {
  // An hour back: a node whose clock is a little behind accepts the new certificate at once.
  cert.validity.notBefore = new Date(now.getTime() - 3_600_000);
  cert.validity.notAfter = new Date(now.getTime() + days * DAY);
}

export function issueCa(fleet: string, now: Date): KeyPair {
  const k = newKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = k.publicKey;
  cert.serialNumber = serial();
  validity(cert, now, caValidityDays);
  // Unique per CA: during a CA rotation two CAs are trusted at once, and chains are built by name.
  const subject = [{ name: 'commonName', value: `obsctl fleet CA ${fleet} ${now.toISOString().slice(0, 19)}Z ${randomBytes(3).toString('hex')}` }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(k.forgeKey, forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: k.pem };
}

/** A host's certificate: server (its exporters) and client (central's scrapes), for its name and address. */
export function issueHostCert(ca: KeyPair, host: { name: string; address: string }, now: Date): KeyPair {
  const caCert = forge.pki.certificateFromPem(ca.cert);
  const k = newKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = k.publicKey;
  cert.serialNumber = serial();
  validity(cert, now, hostValidityDays);
  cert.setSubject([{ name: 'commonName', value: host.name }]);
  cert.setIssuer(caCert.subject.attributes);
  const ip = /^\d+\.\d+\.\d+\.\d+$/.test(host.address);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true, clientAuth: true },
    { name: 'subjectAltName', altNames: [{ type: 2, value: host.name }, ip ? { type: 7, ip: host.address } : { type: 2, value: host.address }] },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(ca.key), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: k.pem };
}

/** SHA-256 of a certificate's DER, hex: names a certificate generation in labels and output. */
export function fingerprint(pem: string): string {
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(forge.pki.certificateFromPem(pem))).getBytes();
  return createHash('sha256').update(Buffer.from(der, 'binary')).digest('hex');
}
