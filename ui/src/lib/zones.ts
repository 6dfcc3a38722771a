// Searching the time-zone list: by IANA name ("shanghai", "america/new york"), by alias
// (北京, "US Eastern") or by offset ("+08", "UTC-3").
import type { ZoneInfo } from "./bindings";

function norm(s: string): string {
  return s.toLowerCase().replaceAll("_", " ").trim();
}

function score(zone: ZoneInfo, q: string): number {
  const name = norm(zone.name);
  const city = name.split("/").pop() ?? name;
  if (zone.aliases.some((a) => norm(a) === q)) return 0;
  if (city === q || name === q) return 1;
  if (city.startsWith(q)) return 2;
  if (zone.aliases.some((a) => norm(a).startsWith(q))) return 3;
  if (name.includes(q)) return 4;
  if (zone.aliases.some((a) => norm(a).includes(q))) return 5;
  const offset = q.replace(/^utc|^gmt/, "").trim();
  if (offset && /^[+-]\d/.test(offset) && zone.offset.startsWith(offset)) return 6;
  return Infinity;
}

export function searchZones(zones: ZoneInfo[], query: string, limit = 50): ZoneInfo[] {
  const q = norm(query);
  if (!q) return zones.slice(0, limit);
  return zones
    .map((zone) => ({ zone, s: score(zone, q) }))
    .filter((x) => x.s !== Infinity)
    .sort((a, b) => a.s - b.s || a.zone.name.localeCompare(b.zone.name))
    .slice(0, limit)
    .map((x) => x.zone);
}
