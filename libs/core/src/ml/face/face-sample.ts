/** One preprocessed face image of a known identity (HWC pixels per the run's PreprocessingSpec). */
export interface FaceSample {
  identity: string;
  pixels: Float32Array;
}
