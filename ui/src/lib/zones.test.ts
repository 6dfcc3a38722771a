import { describe, expect, it } from "vitest";

import type { ZoneInfo } from "./bindings";
import { searchZones } from "./zones";

const zones: ZoneInfo[] = [
  { name: "America/New_York", offset: "-05:00", aliases: ["纽约", "US Eastern"] },
  { name: "Asia/Kathmandu", offset: "+05:45", aliases: ["尼泊尔"] },
  { name: "Asia/Shanghai", offset: "+08:00", aliases: ["北京", "上海", "China"] },
  { name: "Europe/London", offset: "+00:00", aliases: ["伦敦"] },
];

const names = (q: string) => searchZones(zones, q).map((z) => z.name);

describe("searchZones", () => {
  it("finds zones by Chinese city name", () => {
    expect(names("北京")).toEqual(["Asia/Shanghai"]);
    expect(names("伦敦")).toEqual(["Europe/London"]);
  });

  it("finds zones by IANA name, ignoring case and underscores", () => {
    expect(names("new york")).toEqual(["America/New_York"]);
    expect(names("LONDON")[0]).toBe("Europe/London");
  });

  it("finds zones by offset", () => {
    expect(names("+05:45")).toEqual(["Asia/Kathmandu"]);
    expect(names("UTC+08")).toEqual(["Asia/Shanghai"]);
  });

  it("returns everything for an empty query and nothing for nonsense", () => {
    expect(names("")).toHaveLength(4);
    expect(names("atlantis")).toEqual([]);
  });
});
