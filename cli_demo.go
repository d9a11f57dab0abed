package main

func demoCommand() command {
	return command{name: "demo", usage: "[--scale N] [--seed S]", summary: "fill the database with realistic demo data", store: true,
		run: func(e *env, args []string) error {
			return nil
		}}
}
