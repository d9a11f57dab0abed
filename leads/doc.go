// Package leads is the logic of trade shows and sales meetings: the
// logistics checklist made from templates, the staff rota and its clashes
// with appointments, agenda slots booked with clients (each one a calendar
// appointment), overdue checklist items, and lead capture at the booth —
// reading badge scans (vCard 2.1/3.0/4.0, MECARD, BIZCARD), de-duplicating
// against existing contacts, recording grade, interests and consent, and
// creating the follow-up task (and, on request, the deal) in the same
// transaction as the contact.
//
// Everything works offline on the local store: every write goes through
// model.Tx, so each capture is one transaction with its outbox rows, and a
// lead is never held anywhere else where it could be lost.
//
// vCard reading and contact de-duplication are the importer's (the same
// parser and the same rules as a file import); this package adds what a
// booth needs around them. It never imports Fyne: the CLI uses it too.
package leads
