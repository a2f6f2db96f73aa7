package provenance

import (
	"errors"
	"io"

	"github.com/provscan/provscan/provenance/container"
)

type Options struct{ VerifyContent bool }

var ErrUnknownFormat = container.ErrUnknownFormat

func Inspect(r io.ReaderAt, size int64, name string, opts Options) (*Provenance, error) {
	p := &Provenance{Name: name}
	res, err := container.Read(r, size)
	if res != nil {
		p.Format = res.Format
		p.Blocks = res.Blocks
		p.Members = res.Members
	}
	if err != nil && (res == nil || len(res.Blocks) == 0) {
		return p, err
	}
	return p, nil
}

func IsUnknownFormat(err error) bool { return errors.Is(err, container.ErrUnknownFormat) }
