package clientreq

import (
	"slices"
	"testing"
)

func codes(fs []Finding) []Code {
	out := []Code{}
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

// One way for a client to obtain a client ID is enough for the runtime's
// warning; the report still lists the other as unmet.
func TestRegistrationAlternatives(t *testing.T) {
	full := Metadata{AuthorizationEndpoint: "a", TokenEndpoint: "t", ResponseTypesSupported: []string{"code"}, CodeChallengeMethodsSupported: []string{"S256"}}
	tests := []struct {
		name      string
		dcr, cimd bool
		unmet     []Code
		uncovered []Code
	}{
		{"both", true, true, []Code{}, []Code{}},
		{"registration only", true, false, []Code{ClientIDMetadataDocumentMissing}, []Code{}},
		{"metadata documents only", false, true, []Code{DynamicRegistrationMissing}, []Code{}},
		{"neither", false, false, []Code{DynamicRegistrationMissing, ClientIDMetadataDocumentMissing}, []Code{DynamicRegistrationMissing, ClientIDMetadataDocumentMissing}},
	}
	for _, tt := range tests {
		m := full
		if tt.dcr {
			m.RegistrationEndpoint = "r"
		}
		m.ClientIDMetadataDocumentSupported = tt.cimd
		var notMet []Finding
		for _, f := range Check(m) {
			if !f.Met {
				notMet = append(notMet, f)
			}
		}
		if got := codes(notMet); !slices.Equal(got, tt.unmet) {
			t.Errorf("%s: unmet %v, want %v", tt.name, got, tt.unmet)
		}
		if got := codes(Unmet(m)); !slices.Equal(got, tt.uncovered) {
			t.Errorf("%s: Unmet %v, want %v", tt.name, got, tt.uncovered)
		}
	}
}
