package main

import (
	"context"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"

	"gocloud.dev/blob"

	"github.com/provscan/provscan/scanner/objstore"
	"github.com/provscan/provscan/scanner/report"
)

// blobOutput is a report written to object storage. The bucket is opened
// (and listed once) before the scan, so that a wrong URL fails at once; the
// object is written after it, within writeTimeout, and created only when
// the report was written whole (never half written).
type blobOutput struct {
	src    *objstore.Source
	key    string
	w      *blob.Writer
	cancel context.CancelFunc
}

// writeTimeout bounds the upload of one report.
const writeTimeout = 10 * time.Minute

// openBlobOutput prepares the report object named by u (a bucket URL whose
// path is the object's key). It refuses a key inside a scanned bucket root:
// shards running at once would list each other's reports, and nothing is
// ever written into the scanned tree.
func openBlobOutput(ctx context.Context, u string, roots []string) (*blobOutput, error) {
	disp := objstore.Display(u)
	for _, r := range roots {
		if !objstore.IsURL(r) {
			continue
		}
		rd := strings.TrimSuffix(objstore.Display(r), "/")
		if strings.EqualFold(disp, rd) || strings.HasPrefix(strings.ToLower(disp), strings.ToLower(rd)+"/") {
			return nil, fmt.Errorf("cannot write the report %s: it lies inside the scanned root %s, and provscan never writes into the scanned tree", disp, rd)
		}
	}
	src, err := objstore.OpenURL(ctx, u)
	if err != nil {
		return nil, fmt.Errorf("cannot write the report %s: %w", disp, err)
	}
	key := strings.TrimSuffix(src.Prefix, "/")
	if key == "" || strings.HasSuffix(disp, "/") {
		src.Close()
		return nil, fmt.Errorf("cannot write the report %s: the URL names a bucket or a folder, not an object", disp)
	}
	return &blobOutput{src: src, key: key}, nil
}

// writer starts the upload.
func (b *blobOutput) writer() (*blob.Writer, error) {
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	w, err := b.src.Bucket.NewWriter(ctx, b.key, &blob.WriterOptions{ContentType: "application/octet-stream"})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("cannot write the report %s/%s: %w", b.src.Display, b.key, err)
	}
	b.w, b.cancel = w, cancel
	return w, nil
}

// finish creates the object (ok) or abandons it, and closes the bucket.
func (b *blobOutput) finish(ok bool) error {
	var err error
	if b.w != nil {
		if !ok {
			b.cancel() // a writer whose context is done discards what it holds
		}
		err = b.w.Close()
		b.cancel()
	}
	b.src.Close()
	if !ok {
		return nil
	}
	return err
}

// readBucketReports reads the JSON reports named by a bucket URL: one
// object, or with a path ending in "/" every .json object directly under it.
func readBucketReports(ctx context.Context, u string) ([]*report.Report, error) {
	disp := objstore.Display(u)
	src, err := objstore.OpenURL(ctx, u)
	if err != nil {
		return nil, err
	}
	defer src.Close()
	var keys []string
	if strings.HasSuffix(disp, "/") || src.Prefix == "" {
		entries, err := src.List(ctx, "")
		if err != nil {
			return nil, err
		}
		for _, e := range entries {
			if !e.Dir && path.Ext(e.Name) == ".json" {
				keys = append(keys, src.Prefix+e.Name)
			}
		}
		if len(keys) == 0 {
			return nil, fmt.Errorf("no .json report under %s", disp)
		}
	} else {
		keys = []string{strings.TrimSuffix(src.Prefix, "/")}
	}
	slices.Sort(keys)
	out := make([]*report.Report, 0, len(keys))
	for _, k := range keys {
		r, err := src.Bucket.NewReader(ctx, k, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", report.Clean(k, 200), err)
		}
		rep, err := report.ReadJSON(r)
		r.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", report.Clean(k, 200), err)
		}
		out = append(out, rep)
	}
	return out, nil
}
