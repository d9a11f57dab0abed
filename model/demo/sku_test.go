package demo

import "testing"

func TestSKUPrefix(t *testing.T) {
	for in, want := range map[string]string{"Préparation": "PRE", "Cuisson": "CUI", "Arts de la table": "ART", "Hygiène": "HYG", "Café": "CAF"} {
		if got := skuPrefix(in); got != want {
			t.Errorf("skuPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}
