// How loud the microphone is, for the level meter shown while recording.

/** The quietest level the meter shows above 0, in decibels below full scale. */
export const FLOOR_DB = -60;

/** The level of one frame of samples (-1 … 1, as AnalyserNode.getFloatTimeDomainData gives
 *  them): their root mean square on a decibel scale, FLOOR_DB and below as 0, full scale as 100,
 *  in whole numbers. Decibels, because a linear scale leaves ordinary speech near the bottom. */
export function levelOf(samples: ArrayLike<number>): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  const rms = Math.sqrt(sum / samples.length);
  if (rms === 0) return 0;
  const db = 20 * Math.log10(rms);
  return Math.round(Math.min(100, Math.max(0, (1 - db / FLOOR_DB) * 100)));
}
