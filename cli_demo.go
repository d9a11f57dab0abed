package main

import (
	"fmt"
	"sort"

	"relais/model"
	"relais/model/demo"
)

func demoCommand() command {
	return command{name: "demo", usage: "[--scale N] [--seed S]", summary: "fill the database with realistic demo data", store: true,
		run: func(e *env, args []string) error {
			fs := newFlags("demo")
			scale := fs.Int("scale", 1, "volume multiplier (1 ≈ 1,500 contacts; 70 ≈ 100,000)")
			seed := fs.Uint64("seed", 1, "random seed: the same seed gives the same data")
			if err := parseFlags(fs, args); err != nil {
				return err
			}
			if *scale < 1 {
				return usageError{"--scale must be 1 or more"}
			}
			last := -1
			counts, err := demo.Generate(e.ctx, e.store, demo.Options{Scale: *scale, Seed: *seed, Progress: func(done, total int) {
				if pct := done * 100 / max(total, 1); pct/10 != last/10 {
					last = pct
					fmt.Fprintf(e.stderr, "\r%3d %%", min(pct, 100))
				}
			}})
			fmt.Fprintln(e.stderr)
			if err != nil {
				return err
			}
			kinds := make([]string, 0, len(counts))
			for k := range counts {
				kinds = append(kinds, string(k))
			}
			sort.Strings(kinds)
			for _, k := range kinds {
				fmt.Fprintf(e.stdout, "%-14s %d\n", k, counts[model.Kind(k)])
			}
			fmt.Fprintf(e.stderr, "%s now holds demo data: it will not sync with a team hub.\n", e.store.Path())
			return nil
		}}
}
