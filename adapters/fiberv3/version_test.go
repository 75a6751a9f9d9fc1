package mcpfiber

import (
	"regexp"
	"testing"
)

// semverPattern is the regular expression suggested by semver.org for
// Semantic Versioning 2.0.0 (without a leading "v").
var semverPattern = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$`)

func TestVersionIsSemver(t *testing.T) {
	if !semverPattern.MatchString(Version) {
		t.Errorf("Version %q is not a Semantic Versioning 2.0.0 version", Version)
	}
}
