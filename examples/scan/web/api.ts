import OSS from "ali-oss";

const client = new OSS({ region: "oss-cn-hangzhou", bucket: "examplebucket" });

export function signed(name: string): string {
  return client.signatureUrl(name, { process: "image/resize,w_200/watermark,text_SGVsbG8gV29ybGQ,colour_FFFFFF" });
}
