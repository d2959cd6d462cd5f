import { describe, expect, it } from "vitest";
import { levelOf } from "./level";

const constant = (value: number, length = 512) => new Float32Array(length).fill(value);
const sine = (amplitude: number, length = 1024) =>
  Float32Array.from({ length }, (_, i) => amplitude * Math.sin((2 * Math.PI * 8 * i) / length));

describe("levelOf", () => {
  it("is 0 for silence and for no samples", () => {
    expect(levelOf(constant(0))).toBe(0);
    expect(levelOf(new Float32Array(0))).toBe(0);
  });

  it("is 100 at full scale, whatever the sign", () => {
    expect(levelOf(constant(1))).toBe(100);
    expect(levelOf(constant(-1))).toBe(100);
    expect(levelOf(Float32Array.from({ length: 100 }, (_, i) => (i % 2 ? 1 : -1)))).toBe(100);
  });

  it("follows the root mean square in decibels, from -60 dB (0) to 0 dB (100)", () => {
    expect(levelOf(constant(0.1))).toBe(67); // -20 dB
    expect(levelOf(constant(0.01))).toBe(33); // -40 dB
    expect(levelOf(constant(0.001))).toBe(0); // -60 dB: the floor
    expect(levelOf(constant(0.0001))).toBe(0); // below it
    // A full-scale sine's RMS is 1/√2, about -3 dB.
    expect(levelOf(sine(1))).toBe(95);
  });

  it("grows with loudness", () => {
    const levels = [0.002, 0.02, 0.2, 0.9].map((a) => levelOf(sine(a)));
    expect(levels).toEqual([...levels].sort((a, b) => a - b));
    expect(new Set(levels).size).toBe(4);
  });
});
