import OSS from 'ali-oss';

const client = new OSS({
  region: 'oss-cn-hangzhou',
  bucket: 'gallery',
  accessKeyId: process.env.OSS_ACCESS_KEY_ID,
  accessKeySecret: process.env.OSS_ACCESS_KEY_SECRET,
});

export const ACCEPT = ['image/png', 'image/jpeg', 'image/webp'];

export function thumbUrl(name) {
  return client.signatureUrl(name, { process: 'image/resize,w_200' });
}

export function sizedUrl(name, w, h) {
  return client.signatureUrl(name, { expires: 600, process: `image/resize,m_lfit,w_${w},h_${h}` });
}

export function styledUrl(url) {
  return url + '?x-oss-process=style/thumb';
}

export function badUrl(url, w) {
  return `${url}?x-oss-process=image/resize,w_${w},h_0`;
}

export async function saveThumb(name) {
  // processObjectSave(sourceObject, targetObject, process, targetBucket)
  await client.processObjectSave(name, `thumbs/${name}`, 'image/resize,w_0,h_100');
}

// const OLD = 'image/resize,w_0';
/* client.signatureUrl(name, { process: 'image/quality,q_900' }) */
export const WATERMARK = "image/watermark,text_SGVsbG8=,size_40"; // oss-process: ignore[W302]
export const BLURRED = "image/blur,r_3,s_2" + '/quality,q_900';
