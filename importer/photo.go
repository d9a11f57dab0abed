package importer

import (
	"bytes"
	"encoding/base64"
	"errors"
	"image"
	"image/jpeg"
	"net/http"
	"strings"

	_ "image/gif" // decoders for the formats address books embed
	_ "image/png"

	_ "golang.org/x/image/bmp"
	"golang.org/x/image/draw"

	"relais/model"
)

// photoSide is the largest side a stored photo keeps: enough for an avatar
// and a printed badge, small enough (10–30 KB) to sync with the contact.
const photoSide = 256

// photoURI reads a photo given as a data: URI and returns it ready to store;
// "" (no error) for a link to a photo elsewhere, which cannot be fetched offline.
func photoURI(s string) (string, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "data:") {
		return "", nil
	}
	meta, data, ok := strings.Cut(strings.TrimPrefix(s, "data:"), ",")
	if !ok || !strings.HasSuffix(meta, ";base64") {
		return "", errors.New("the photo is not a base64 data URI")
	}
	b, err := decodeBase64(data)
	if err != nil {
		return "", err
	}
	return photoFromBytes(b)
}

// decodeBase64 decodes base64 whatever line breaks, spaces or padding
// vCard writers left in it.
func decodeBase64(s string) ([]byte, error) {
	clean := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
	clean = strings.TrimRight(clean, "=")
	b, err := base64.RawStdEncoding.DecodeString(clean)
	if err != nil {
		if b2, err2 := base64.RawURLEncoding.DecodeString(clean); err2 == nil {
			return b2, nil
		}
		return nil, errors.New("the photo's base64 data is damaged")
	}
	return b, nil
}

// photoFromBytes turns image bytes into the data: URI a contact stores.
// Images larger than photoSide pixels, or too heavy to sync, are scaled
// down and re-encoded as JPEG; small ones are kept as they are.
func photoFromBytes(b []byte) (string, error) {
	if len(b) == 0 {
		return "", nil
	}
	mediaType := http.DetectContentType(b)
	if !strings.HasPrefix(mediaType, "image/") {
		return "", errors.New("the photo is not an image")
	}
	// Check the size before decoding: a damaged or hostile header can claim
	// a billion pixels, and decoding would try to allocate them.
	cfg, _, err := image.DecodeConfig(bytes.NewReader(b))
	if err == nil && (cfg.Width > 8000 || cfg.Height > 8000 || cfg.Width*cfg.Height > 24_000_000) {
		return "", errors.New("the photo is larger than 8000 pixels")
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		// An image format Go cannot read (TIFF, HEIC…): keep it if small,
		// since the address book that made it may read it.
		return keepIfSmall(mediaType, b)
	}
	bounds := img.Bounds()
	w, h := bounds.Dx(), bounds.Dy()
	if w <= photoSide && h <= photoSide && len(b) <= 48<<10 {
		return keepIfSmall(mediaType, b)
	}
	if w > photoSide || h > photoSide {
		if w >= h {
			w, h = photoSide, max(1, h*photoSide/w)
		} else {
			w, h = max(1, w*photoSide/h), photoSide
		}
	}
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(dst, dst.Bounds(), image.White, image.Point{}, draw.Src) // transparent PNGs on white, as JPEG has no alpha
	draw.CatmullRom.Scale(dst, dst.Bounds(), img, bounds, draw.Over, nil)
	var out bytes.Buffer
	if err := jpeg.Encode(&out, dst, &jpeg.Options{Quality: 85}); err != nil {
		return "", err
	}
	return keepIfSmall("image/jpeg", out.Bytes())
}

func keepIfSmall(mediaType string, b []byte) (string, error) {
	uri := "data:" + mediaType + ";base64," + base64.StdEncoding.EncodeToString(b)
	if len(uri) > model.MaxPhotoLen {
		return "", errors.New("the photo is too large to keep")
	}
	return uri, nil
}
