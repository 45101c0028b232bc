package com.example;

import com.aliyun.oss.OSS;
import com.aliyun.oss.model.AsyncProcessObjectRequest;
import com.aliyun.oss.model.GetObjectRequest;
import com.aliyun.oss.model.OSSObject;
import com.aliyun.oss.model.ProcessObjectRequest;

/** Renditions of the gallery's photos: "image/resize,w_0" in a Javadoc is a comment. */
public class ImageService {
    private static final String THUMB = "image/resize,m_fixed,w_100,h_100";
    private static final String CONTENT_TYPE = "image/jpeg";
    private static final String TEXT_BLOCK = """
        image/resize,w_0
        """;

    private final OSS client;
    private final String bucket;

    public ImageService(OSS client, String bucket) {
        this.client = client;
        this.bucket = bucket;
    }

    public OSSObject thumbnail(String key) {
        GetObjectRequest request = new GetObjectRequest(bucket, key);
        request.setProcess("image/resize,m_fixed,w_100,h_0");
        return client.getObject(request);
    }

    public OSSObject sized(String key, int w) {
        GetObjectRequest request = new GetObjectRequest(bucket, key);
        request.setProcess(String.format("image/resize,w_%d/quality,q_900", w));
        return client.getObject(request);
    }

    public void transcode(String key, String target) {
        String process = "video/convert,f_mp4,vcodec_h264|sys/saveas,b_" + b64(bucket) + ",o_" + b64(target);
        AsyncProcessObjectRequest request = new AsyncProcessObjectRequest(bucket, key, process);
        client.asyncProcessObject(request);
    }

    public void extractAudio(String key) {
        ProcessObjectRequest request = new ProcessObjectRequest(bucket, key, "audio/convert,f_mp3,ab_128000,ar_44100,ac_2|sys/saveas,o_b3V0Lm1wMw");
        client.processObject(request);
        // request.setProcess("image/resize,w_0");
        /* "image/quality,q_900" */
    }

    private static String b64(String text) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes());
    }
}
