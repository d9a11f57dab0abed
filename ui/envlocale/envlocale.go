// Package envlocale gives the process a language before Fyne looks for one.
//
// Fyne's lang package reads the locale from the environment in its init
// function and logs "Error parsing user locale C" when LANG is C or
// C.UTF-8 (servers, containers, CI). Setting LANGUAGE=en then changes no
// behaviour (the C locale's messages are English) but gives go-locale a
// well-formed tag. This package does it in its own init, which Go runs
// before lang's: it imports only os, and the package initialisation order
// puts it (relais/…) before text/template (t…), which lang needs. The
// relais binary imports it for every command, since the CLI links Fyne too.
// The user's chosen language is applied later, by the ui package.
package envlocale

import "os"

func init() { fixCLocale() }

func fixCLocale() {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		val := os.Getenv(v)
		if val == "" {
			continue
		}
		if cLocale(val) && os.Getenv("LANGUAGE") == "" {
			if val == "C" || val == "POSIX" {
				// go-locale only reads LANGUAGE when the locale is not exactly C.
				os.Setenv(v, "C.UTF-8")
			}
			os.Setenv("LANGUAGE", "en")
		}
		return
	}
}

// cLocale reports whether val names the C or POSIX locale, with or without a codeset.
func cLocale(val string) bool {
	for i := 0; i < len(val); i++ {
		if val[i] == '.' || val[i] == '@' {
			val = val[:i]
			break
		}
	}
	return val == "C" || val == "POSIX"
}
