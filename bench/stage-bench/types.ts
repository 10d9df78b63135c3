export interface StageBenchResult {
  name: string;
  value: number;
  unit: string;
  digits?: number;
  peerName?: string;
  peerValue?: number;
  notes?: string;
  /** Why it did not run (the measured value is then meaningless). */
  skipped?: string;
}
