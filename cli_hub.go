package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"relais/sync/hub"
)

func hubCommand() command {
	return command{name: "hub", usage: "[--listen ADDR] [--data DIR] [--database postgres://…] [--tls-cert F --tls-key F | --tls-self-signed] | user add|list|token|disable|enable NAME",
		summary: "serve the team hub, or manage its users",
		run: func(e *env, args []string) error {
			if len(args) > 0 && args[0] == "user" {
				return hubUser(e, args[1:])
			}
			return hubServe(e, args)
		}}
}

// hubStoreFlags are the flags every hub subcommand shares.
type hubStoreFlags struct{ data, database *string }

func addHubStoreFlags(fs *flag.FlagSet) hubStoreFlags {
	def := "relais-hub"
	if dir, err := os.UserConfigDir(); err == nil {
		def = filepath.Join(dir, "Relais", "hub")
	}
	return hubStoreFlags{
		data:     fs.String("data", def, "folder for the hub's SQLite database and TLS certificate"),
		database: fs.String("database", "", "postgres:// URL to store the team's data in PostgreSQL instead of SQLite"),
	}
}

func (f hubStoreFlags) open(ctx context.Context) (*hub.Store, error) {
	return hub.OpenStore(ctx, hub.Options{DataDir: *f.data, Database: *f.database})
}

func hubUser(e *env, args []string) error {
	fs := newFlags("hub user")
	sf := addHubStoreFlags(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError{"say what to do: user add NAME, user list, user token NAME, user disable NAME, user enable NAME"}
	}
	verb := pos[0]
	if verb != "list" && len(pos) != 2 {
		return usageError{fmt.Sprintf("user %s takes one user name", verb)}
	}
	s, err := sf.open(e.ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	switch verb {
	case "add", "token":
		var tok string
		if verb == "add" {
			tok, err = s.AddUser(e.ctx, pos[1])
		} else {
			tok, err = s.NewToken(e.ctx, pos[1])
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Token for %s (shown only this once; the hub keeps only its hash):\n%s\n", pos[1], tok)
	case "list":
		users, err := s.Users(e.ctx)
		if err != nil {
			return err
		}
		for _, u := range users {
			state := "active"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(e.stdout, "%s\t%s\t%d device(s)\tsince %s\n", u.Name, state, u.Devices, u.CreatedAt)
		}
	case "disable", "enable":
		if err := s.SetDisabled(e.ctx, pos[1], verb == "disable"); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: %sd\n", pos[1], verb)
	default:
		return usageError{fmt.Sprintf("unknown user action %q", verb)}
	}
	return nil
}

func hubServe(e *env, args []string) error {
	fs := newFlags("hub")
	sf := addHubStoreFlags(fs)
	listen := fs.String("listen", "127.0.0.1:8750", "address to listen on")
	certFile := fs.String("tls-cert", "", "TLS certificate (PEM)")
	keyFile := fs.String("tls-key", "", "TLS private key (PEM)")
	selfSigned := fs.Bool("tls-self-signed", false, "serve TLS with a certificate made (once) in the data folder; clients pin its fingerprint")
	maxBody := fs.Int64("max-body", hub.DefaultMaxBody, "largest request body accepted, in bytes")
	retention := fs.Duration("retention", 180*24*time.Hour, "how long the change log is kept; laptops away longer take a full snapshot (0: forever)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if (*certFile == "") != (*keyFile == "") {
		return usageError{"give both --tls-cert and --tls-key"}
	}
	if *certFile != "" && *selfSigned {
		return usageError{"choose either --tls-cert/--tls-key or --tls-self-signed"}
	}
	s, err := sf.open(e.ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	srv := hub.NewServer(s, *maxBody, func(f string, a ...any) { fmt.Fprintf(e.stderr, f+"\n", a...) }).HTTPServer(*listen)
	scheme := "http"
	if *certFile != "" || *selfSigned {
		var cert tls.Certificate
		var fp string
		if *selfSigned {
			host, _, _ := net.SplitHostPort(*listen)
			if err := os.MkdirAll(*sf.data, 0o700); err != nil {
				return fmt.Errorf("hub: create %s: %w", *sf.data, err)
			}
			cert, fp, err = hub.SelfSigned(*sf.data, []string{host}, time.Now())
		} else {
			cert, fp, err = hub.LoadCert(*certFile, *keyFile)
		}
		if err != nil {
			return err
		}
		srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		scheme = "https"
		fmt.Fprintf(e.stdout, "TLS certificate SHA-256 fingerprint (laptops pin it with --fingerprint):\n%s\n", fp)
	}
	l, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("hub: listen on %s: %w", *listen, err)
	}
	where := "SQLite in " + *sf.data
	if *sf.database != "" {
		where = "PostgreSQL"
	}
	fmt.Fprintf(e.stdout, "Relais hub %s listening on %s://%s (%s). Stop with Ctrl+C.\n", s.ID()[:8], scheme, l.Addr(), where)
	if *retention > 0 {
		go func() {
			t := time.NewTicker(time.Hour)
			defer t.Stop()
			for {
				if n, err := s.Compact(e.ctx, time.Now().Add(-*retention)); err != nil {
					fmt.Fprintf(e.stderr, "%v\n", err)
				} else if n > 0 {
					fmt.Fprintf(e.stdout, "compacted %d change-log entries older than %s\n", n, *retention)
				}
				select {
				case <-e.ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
	errc := make(chan error, 1)
	go func() {
		if scheme == "https" {
			errc <- srv.ServeTLS(l, "", "")
		} else {
			errc <- srv.Serve(l)
		}
	}()
	select {
	case err := <-errc:
		return fmt.Errorf("hub: %w", err)
	case <-e.ctx.Done():
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("hub: stop: %w", err)
	}
	fmt.Fprintln(e.stdout, "hub stopped")
	return nil
}
