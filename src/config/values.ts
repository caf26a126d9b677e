// Value types of obsctl.yaml that the shape alone got wrong: accepted, rendered, and broken later
// (`listen: 999.999.999.999`, a target `ftp://x`, a 0s interval, a threshold of 1e300 that renders
// as `> Infinity`). Each is a zod schema whose regexes and bounds also land in obsctl.schema.json,
// so editors and obsctl agree. Used by schema.ts.
import { z } from 'zod';

const octet = '(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)';
const ipv4 = `${octet}(\\.${octet}){3}`;
/** RFC 1123 host name: labels of letters, digits and -, not starting or ending with -. */
// (Underscores too: Compose service names have them.) All-numeric names are left to ipv4.
const hostname = '(?=[A-Za-z0-9_.-]{1,253}(:|/|$))(?![0-9.]+(:|/|$))[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?';
const ipv6 = '\\[[0-9A-Fa-f:.]{2,45}\\]';
const portNumber = '([1-9]\\d{0,3}|[1-5]\\d{4}|6[0-4]\\d{3}|65[0-4]\\d{2}|655[0-2]\\d|6553[0-5])';

export const ipv4Address = z.string().regex(new RegExp(`^${ipv4}$`), { message: 'an IPv4 address such as 127.0.0.1 (four numbers 0-255)' });

/** A private bridge network: an IPv4 /24 that is not loopback, "this network", multicast or reserved. */
export const subnet24 = z
  .string()
  .regex(new RegExp(`^(?!(0|127|22[4-9]|2[3-5]\\d)\\.)${octet}(\\.${octet}){2}\\.0/24$`), {
    message: 'an IPv4 /24 such as 172.30.254.0/24 (not 0.x, 127.x or 224.x and above)',
  });

/** Where a host is reached: an IPv4 address or a DNS name (no port, no scheme). */
export const hostAddress = z
  .string()
  .regex(new RegExp(`^(${ipv4}|${hostname})$`), { message: 'an IPv4 address or a host name such as 10.0.0.12 or spark-2.lan' });

/** A scrape target: host:port, or http(s)://host[:port][/path]. */
export const targetUrl = z
  .string()
  .regex(new RegExp(`^(https?://(${ipv4}|${hostname}|${ipv6})(:${portNumber})?(/[^\\s]*)?|(${ipv4}|${hostname}|${ipv6}):${portNumber})$`), {
    message: 'host:port or an http(s):// URL such as localhost:8000 or http://10.0.0.5:8000/metrics',
  });

/** An http(s) URL with a host (remote_write, probes). */
export const httpUrl = z
  .string()
  .regex(new RegExp(`^https?://(${ipv4}|${hostname}|${ipv6})(:${portNumber})?(/[^\\s]*)?$`), { message: 'an http(s):// URL such as http://mimir.lan:9009/api/v1/push' });

/** SMTP server, host:port. */
export const hostPort = z.string().regex(new RegExp(`^(${ipv4}|${hostname}|${ipv6}):${portNumber}$`), { message: 'host:port of the SMTP server' });

const durationPattern = '((\\d+y)?(\\d+w)?(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?(\\d+ms)?)';
const durationMessage = 'a Prometheus duration such as 15s, 1m, 12h or 30d';
/** A Prometheus duration; may be 0s (e.g. group_wait: send at once). Never empty. */
export const duration = z.string().min(1, { message: durationMessage }).regex(new RegExp(`^${durationPattern}$`), { message: durationMessage });
/** A Prometheus duration greater than zero (intervals, retention). */
export const positiveDuration = z
  .string()
  .min(1, { message: durationMessage })
  .regex(new RegExp(`^(?=.*[1-9])${durationPattern}$`), { message: `${durationMessage}, greater than zero` });

/** A size greater than zero, e.g. 20GB. */
export const byteSize = z.string().regex(/^(?=.*[1-9])\d+(\.\d+)?(B|KB|MB|GB|TB|PB|EB)$/, { message: 'a size such as 512MB, 20GB or 1TB, greater than zero' });

/** An image reference, [registry[:port]/]name[:tag][@digest]. */
export const imageRef = z
  .string()
  .regex(/^(?=.{1,255}$)([A-Za-z0-9][A-Za-z0-9._-]*(:\d{1,5})?\/)?[A-Za-z0-9][A-Za-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?(@sha256:[0-9a-f]{64})?$/, {
    message: 'an image reference such as prom/prometheus:v3.5.0',
  });
/** A registry (and path) put in front of every image, e.g. registry.internal:5000/mirror. */
export const registryPrefix = z
  .string()
  .regex(/^([A-Za-z0-9][A-Za-z0-9._-]*(:\d{1,5})?(\/[A-Za-z0-9][A-Za-z0-9._-]*)*\/?)?$/, { message: 'a registry such as registry.internal:5000/mirror' });

/** A Prometheus label name. */
export const labelName = z.string().regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, { message: 'a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)' });
/** A label name a user may set: names starting with __ are Prometheus's own. */
export const userLabelName = z.string().regex(/^(?!__)[a-zA-Z_][a-zA-Z0-9_]*$/, {
  message: 'a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*) not starting with __ (reserved for Prometheus)',
});
/** group_by: label names, or the special value `...` (group by all labels). */
export const groupByLabel = z.string().regex(/^(\.\.\.|[a-zA-Z_][a-zA-Z0-9_]*)$/, { message: 'a label name, or ... for all labels' });

/**
 * A threshold: finite, within [min, max], and either 0 or large enough to survive rendering (rule
 * files print at most 9 decimals: 1e-12 would become `> 0`).
 */
export const threshold = (min: number, max: number) =>
  z
    .number()
    .min(min)
    .max(max)
    .refine((n) => n === 0 || Math.abs(n) >= 1e-6, { message: 'a number that is 0 or at least 0.000001 (smaller values round to 0 in the rules)' });
