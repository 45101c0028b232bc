export type Fit = 'lfit' | 'mfit' | 'fill' | 'pad' | 'fixed';

export interface Rendition {
  process: string;
  contentType: 'image/jpeg' | 'image/webp';
}

export function resize(url: string, w: number, fit: Fit = 'lfit'): string {
  return `${url}?x-oss-process=image/resize,m_${fit},w_${w}`;
}

export const RENDITIONS: Record<string, Rendition> = {
  small: { process: 'image/resize,w_100,mode_lfit', contentType: 'image/jpeg' },
  large: { process: "image/resize,w_1600/quality,Q_90", contentType: 'image/webp' },
  webp: { process: `image/format,webp/resize,w_0`, contentType: 'image/webp' },
};

export const versioned = (url: string, w: number, v: string): string =>
  `${url}?x-oss-process=image/resize,w_${w}&v=${v}`;

export const CAPTIONS = { camera: '📷 照片', thumb: 'image/resize,w_0' };
