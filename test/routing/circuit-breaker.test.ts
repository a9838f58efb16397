import { describe, expect, it } from "vitest";
import { CircuitBreakers } from "../../src/routing/circuit-breaker";

describe("CircuitBreakers", () => {
  const settings = { failureThreshold: 3, coolDownMs: 1000 };

  it("opens after consecutive failures and rejects until the cool-down ends", () => {
    const breakers = new CircuitBreakers(settings);
    breakers.record("a", false, 0);
    breakers.record("a", false, 1);
    expect(breakers.allows("a", 2)).toBe(true);
    breakers.record("a", false, 2);
    expect(breakers.describe("a")).toBe("open");
    expect(breakers.allows("a", 500)).toBe(false);
    expect(breakers.isHealthy("a", 500)).toBe(false);
    expect(breakers.allows("b", 500)).toBe(true);
  });

  it("a success resets the failure count", () => {
    const breakers = new CircuitBreakers(settings);
    breakers.record("a", false, 0);
    breakers.record("a", false, 0);
    breakers.record("a", true, 0);
    breakers.record("a", false, 0);
    expect(breakers.describe("a")).toBe("closed");
  });

  it("half-opens for one trial after the cool-down; its outcome closes or re-opens", () => {
    const breakers = new CircuitBreakers(settings);
    for (let i = 0; i < 3; i += 1) breakers.record("a", false, 0);
    expect(breakers.allows("a", 1000)).toBe(true);
    expect(breakers.describe("a")).toBe("half-open");
    expect(breakers.allows("a", 1001)).toBe(false);
    breakers.record("a", false, 1002);
    expect(breakers.describe("a")).toBe("open");
    expect(breakers.allows("a", 1500)).toBe(false);
    expect(breakers.allows("a", 2002)).toBe(true);
    breakers.record("a", true, 2003);
    expect(breakers.describe("a")).toBe("closed");
  });

  it("lets another trial through when a half-open trial never reports back", () => {
    const breakers = new CircuitBreakers(settings);
    for (let i = 0; i < 3; i += 1) breakers.record("a", false, 0);
    expect(breakers.allows("a", 1000)).toBe(true);
    expect(breakers.allows("a", 1999)).toBe(false);
    expect(breakers.allows("a", 2000)).toBe(true);
  });
});
