package hub

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Version is the hub protocol version reported by /v1/health.
const Version = "1"

// DefaultMaxBody is the largest request body accepted (a push of a few
// thousand changes is well under it; the client sends smaller batches).
const DefaultMaxBody = 16 << 20

// Server answers the hub's HTTP API.
type Server struct {
	store   *Store
	maxBody int64
	logf    func(format string, args ...any)
}

// NewServer makes the HTTP API over store. maxBody ≤ 0 means DefaultMaxBody;
// logf nil means the standard logger. Tokens never reach the log.
func NewServer(store *Store, maxBody int64, logf func(string, ...any)) *Server {
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	if logf == nil {
		logf = log.Printf
	}
	return &Server{store: store, maxBody: maxBody, logf: logf}
}

// Handler returns the routes.
func (sv *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /v1/health", sv.health)
	mux.HandleFunc("POST /v1/push", sv.auth(sv.push))
	mux.HandleFunc("GET /v1/pull", sv.auth(sv.pull))
	mux.HandleFunc("GET /v1/snapshot", sv.auth(sv.snapshot))
	mux.HandleFunc("GET /v1/record", sv.auth(sv.record))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, &Error{Status: http.StatusNotFound, Code: "not_found", Message: "no such endpoint: " + r.Method + " " + r.URL.Path})
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, e *Error) {
	writeJSON(w, e.Status, ErrorResponse{Error: ErrorBody{Code: e.Code, Message: e.Message, LastSeq: e.LastSeq, Epoch: e.Epoch, Field: e.Field}})
}

// fail answers an error: *Error as it says, anything else as a 500 whose
// detail goes to the log only.
func (sv *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var he *Error
	if errors.As(err, &he) {
		writeError(w, he)
		return
	}
	if r.Context().Err() == nil { // a client that went away needs no log line
		sv.logf("hub: %s %s: %v", r.Method, r.URL.Path, err)
	}
	writeError(w, &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "the hub could not complete the request; try again later"})
}

type userKey struct{}

func (sv *Server) auth(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			w.Header().Set("WWW-Authenticate", `Bearer realm="relais"`)
			writeError(w, &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "a hub token is required"})
			return
		}
		u, ok, err := sv.store.Authenticate(r.Context(), token)
		if err != nil {
			sv.fail(w, r, err)
			return
		}
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="relais", error="invalid_token"`)
			writeError(w, &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: "the hub token is not valid (revoked or mistyped)"})
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)))
	}
}

func (sv *Server) health(w http.ResponseWriter, r *http.Request) {
	seq, err := sv.store.Seq(r.Context())
	if err != nil {
		sv.fail(w, r, err)
		return
	}
	epoch, err := sv.store.Epoch(r.Context())
	if err != nil {
		sv.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, Health{OK: true, Hub: sv.store.ID(), Version: Version, Seq: seq, Epoch: epoch})
}

func (sv *Server) push(w http.ResponseWriter, r *http.Request) {
	u := r.Context().Value(userKey{}).(User)
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, sv.maxBody))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, &Error{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: fmt.Sprintf("the request is larger than %d bytes; send fewer changes at once", sv.maxBody)})
			return
		}
		writeError(w, badRequest("malformed", "the request could not be read: %v", err))
		return
	}
	// encoding/json would quietly turn bytes that are not UTF-8 into U+FFFD:
	// a device id or a client's name would then be stored as something its
	// sender never wrote. Refuse, naming the field.
	if !utf8.Valid(body) {
		f := badUTF8Field(body)
		writeError(w, &Error{Status: http.StatusBadRequest, Code: "bad_utf8", Field: f, Message: fmt.Sprintf("%s is not valid UTF-8 text", f)})
		return
	}
	var req PushRequest
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(&req); err != nil {
		writeError(w, badRequest("malformed", "the request is not a valid push: %v", err))
		return
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		writeError(w, badRequest("malformed", "the request has data after the push object"))
		return
	}
	resp, err := sv.store.Push(r.Context(), u, req)
	if err != nil {
		sv.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// badUTF8Field names the first field of a push body holding bytes that are
// not UTF-8 ("device", "changes[3].id", "changes[3].data.first_name").
func badUTF8Field(body []byte) string {
	var raw struct {
		Device  json.RawMessage              `json:"device"`
		Changes []map[string]json.RawMessage `json:"changes"`
	}
	if json.Unmarshal(body, &raw) != nil {
		return "the request"
	}
	if !utf8.Valid(raw.Device) {
		return "device"
	}
	for i, c := range raw.Changes {
		keys := make([]string, 0, len(c))
		for k := range c {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			v := c[k]
			if utf8.Valid(v) {
				continue
			}
			if k == "data" {
				var fields map[string]json.RawMessage
				if json.Unmarshal(v, &fields) == nil {
					names := make([]string, 0, len(fields))
					for f := range fields {
						names = append(names, f)
					}
					sort.Strings(names)
					for _, f := range names {
						if !utf8.Valid(fields[f]) {
							return fmt.Sprintf("changes[%d].data.%s", i, f)
						}
					}
				}
			}
			return fmt.Sprintf("changes[%d].%s", i, k)
		}
		// The bad bytes were in a key, which decoding already replaced.
		if !utf8.Valid(c["data"]) {
			return fmt.Sprintf("changes[%d].data (a field name)", i)
		}
	}
	return "a field name"
}

func intParam(r *http.Request, name string, def int64) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, badRequest("bad_param", "%s must be a whole number ≥ 0", name)
	}
	return n, nil
}

func (sv *Server) pull(w http.ResponseWriter, r *http.Request) {
	cursor, err := intParam(r, "cursor", 0)
	if err != nil {
		sv.fail(w, r, err)
		return
	}
	limit, err := intParam(r, "limit", MaxPullPage)
	if err != nil {
		sv.fail(w, r, err)
		return
	}
	resp, err := sv.store.Pull(r.Context(), cursor, int(limit))
	if err != nil {
		sv.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (sv *Server) snapshot(w http.ResponseWriter, r *http.Request) {
	limit, err := intParam(r, "limit", MaxSnapshotPage)
	if err != nil {
		sv.fail(w, r, err)
		return
	}
	resp, err := sv.store.Snapshot(r.Context(), r.URL.Query().Get("after"), int(limit))
	if err != nil {
		sv.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

func (sv *Server) record(w http.ResponseWriter, r *http.Request) {
	id := r.URL.Query().Get("id")
	if id == "" || len(id) > maxIDLen {
		sv.fail(w, r, badRequest("bad_param", "give the record id"))
		return
	}
	resp, err := sv.store.Record(r.Context(), id)
	if err != nil {
		sv.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, resp)
}

// HTTPServer wraps the handler with timeouts that keep a slow or stalled
// client from holding a connection forever.
func (sv *Server) HTTPServer(addr string) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           sv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          log.New(io.Discard, "", 0),
	}
}

// Fingerprint is the SHA-256 of a certificate's DER bytes, as the hex pairs
// clients pin ("AB:CD:…").
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	var b strings.Builder
	for i := 0; i < len(h); i += 2 {
		if i > 0 {
			b.WriteByte(':')
		}
		b.WriteString(h[i : i+2])
	}
	return b.String()
}

// SelfSigned loads the hub's self-signed certificate from dir, making one
// the first time (ECDSA P-256, ten years, for hosts), so that its fingerprint
// stays the same across restarts and pinned clients keep working.
func SelfSigned(dir string, hosts []string, now time.Time) (tls.Certificate, string, error) {
	certPath, keyPath := filepath.Join(dir, "tls-cert.pem"), filepath.Join(dir, "tls-key.pem")
	if _, err := os.Stat(certPath); errors.Is(err, os.ErrNotExist) {
		if err := makeSelfSigned(certPath, keyPath, hosts, now); err != nil {
			return tls.Certificate{}, "", fmt.Errorf("hub: make a self-signed certificate in %s: %w", dir, err)
		}
	}
	return LoadCert(certPath, keyPath)
}

// LoadCert reads a PEM certificate and key and returns them with the
// certificate's fingerprint.
func LoadCert(certPath, keyPath string) (tls.Certificate, string, error) {
	c, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err != nil {
		return tls.Certificate{}, "", fmt.Errorf("hub: load the TLS certificate %s: %w", certPath, err)
	}
	return c, Fingerprint(c.Certificate[0]), nil
}

func makeSelfSigned(certPath, keyPath string, hosts []string, now time.Time) error {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "Relais hub", Organization: []string{"Relais"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range append(hosts, "localhost", "127.0.0.1") {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else if h != "" {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return err
	}
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), 0o600); err != nil {
		return err
	}
	return os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
}
