package worker

import (
	"encoding/base64"
	"fmt"
	"io"

	"github.com/aliyun/aliyun-oss-go-sdk/oss"
)

const thumbStyle = "image/resize,w_100"
const cropStyle = `image/crop,x_10,y_10,w_200,h_200|image/resize,w_0`

var contentType = "image/png"

func enc(s string) string { return base64.URLEncoding.EncodeToString([]byte(s)) }

func Thumbnail(bucket *oss.Bucket, key string) (io.ReadCloser, error) {
	return bucket.GetObject(key, oss.Process("image/resize,w_100"))
}

func Sized(bucket *oss.Bucket, key string, w int) (io.ReadCloser, error) {
	process := fmt.Sprintf("image/resize,w_%d,h_0", w)
	return bucket.GetObject(key, oss.Process(process))
}

func Save(bucket *oss.Bucket, key, target string) error {
	process := fmt.Sprintf("image/resize,w_100|sys/saveas,o_%s,b_%s", enc(target), enc(bucket.BucketName))
	_, err := bucket.ProcessObject(key, process)
	return err
}

func SavePadded(bucket *oss.Bucket, key string) error {
	// oss.Process("image/resize,w_0") was here
	_, err := bucket.ProcessObject(key, "image/resize,w_100|sys/saveas,o_ZGVzdC5qcGc=")
	return err
}

func Stacked() string {
	return `image/resize,w_100/quality,q_900`
}
