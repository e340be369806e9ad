package cli_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDecompose: PCA prints its explained variance ratios (summing to 1 with every
// component), the projected rows land in --output, and ICA and SVD run.
func TestDecompose(t *testing.T) {
	dir := t.TempDir()
	csv := filepath.Join(dir, "x.csv")
	os.WriteFile(csv, []byte("a,b,c,label\n1,2,0.5,x\n2,4.1,0.4,y\n3,6.2,0.9,x\n4,7.9,0.1,y\n5,10.1,0.7,x\n"), 0o644)
	out := filepath.Join(dir, "z.csv")
	code, stdout, errs := run("decompose", "--data", csv, "--target", "label", "--components", "3", "--output", out)
	if code != 0 || !strings.Contains(stdout, "5 rows, 3 features → 3 components") || !strings.Contains(stdout, "explained variance ratio: ") {
		t.Fatalf("exit %d\n%s%s", code, stdout, errs)
	}
	sum := 0.0
	for _, f := range strings.Fields(stdout[strings.Index(stdout, "ratio:")+6:]) {
		sum += parseFloat(t, f)
	}
	if sum < 0.999 || sum > 1.001 {
		t.Fatalf("ratios of all components sum to %v\n%s", sum, stdout)
	}
	written, _ := os.ReadFile(out)
	if lines := strings.Split(strings.TrimSpace(string(written)), "\n"); len(lines) != 6 || lines[0] != "pc1,pc2,pc3" {
		t.Fatalf("output:\n%s", written)
	}
	for _, algo := range []string{"ica", "svd"} {
		if code, stdout, errs := run("decompose", "--algo", algo, "--data", "classification"); code != 0 {
			t.Fatalf("%s: exit %d\n%s%s", algo, code, stdout, errs)
		}
	}
}

func TestDecomposeBadInputIsOneLineStatus2(t *testing.T) {
	dir := t.TempDir()
	constant := filepath.Join(dir, "constant.csv")
	os.WriteFile(constant, []byte("a,b\n1,5\n1,5\n1,5\n"), 0o644)
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"unknown algo":   {[]string{"decompose", "--algo", "nmf"}, "unknown --algo"},
		"zero":           {[]string{"decompose", "--components", "0"}, "--components must be positive"},
		"too many":       {[]string{"decompose", "--components", "3"}, "exceeds the 2 features"},
		"whiten ica":     {[]string{"decompose", "--algo", "ica", "--whiten"}, "--whiten applies to --algo pca"},
		"constant ica":   {[]string{"decompose", "--algo", "ica", "--data", constant, "--components", "1"}, "fastica"},
		"missing output": {[]string{"decompose", "--output", filepath.Join(dir, "no", "z.csv")}, "cannot write --output"},
	} {
		code, _, errs := run(c.args...)
		if code != 2 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, c.want) || strings.Contains(errs, "goroutine") {
			t.Errorf("%s: exit %d, stderr %q; want status 2 and one line containing %q", name, code, errs, c.want)
		}
	}
}

func parseFloat(t *testing.T, s string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatal(err)
	}
	return v
}
