/** The network a client address stands for when counting its attempts and requests. */
import { isIPv4, isIPv6 } from "node:net";

function groupWidth(group: string): number {
  return group.includes(".") ? 2 : 1; // an embedded IPv4 tail fills two 16-bit groups
}

/**
 * An IPv4 address as is, and an IPv6 address as its /64: one subscriber usually holds a whole /64,
 * so counting single IPv6 addresses would let one phone rotate through billions of keys.
 * Anything else (e.g. "local" for in-process requests) is returned unchanged.
 */
export function networkKey(address: string): string {
  const ip = address.trim().replace(/%.*$/, "");
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  const [head = "", tail] = ip.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const used = [...headGroups, ...tailGroups].reduce((n, g) => n + groupWidth(g), 0);
  const groups = tail === undefined ? headGroups : [...headGroups, ...Array(8 - used).fill("0"), ...tailGroups];
  const prefix = groups.slice(0, 4).map((g) => Number.parseInt(g, 16).toString(16));
  return `${prefix.join(":")}::/64`;
}
