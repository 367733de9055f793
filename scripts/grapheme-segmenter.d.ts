export class GraphemeSegmenter {
  constructor(locales?: string | string[], options?: Intl.SegmenterOptions);
  segment(input: string): Intl.Segments;
}
