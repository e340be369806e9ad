package cli_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestClusterBuiltInAndCSV: k-means finds the blobs; a CSV's --target column is scored (not
// fitted) and the last line is the adjusted Rand index; --output writes a label per row.
func TestClusterBuiltInAndCSV(t *testing.T) {
	code, out, errs := run("cluster")
	if code != 0 || !strings.Contains(out, "inertia: ") || !strings.HasSuffix(out, "adjusted rand index: 1.0000\n") {
		t.Fatalf("ember cluster: exit %d\n%s%s", code, out, errs)
	}
	dir := t.TempDir()
	csv := filepath.Join(dir, "points.csv")
	var b strings.Builder
	b.WriteString("x,y,kind\n")
	for i := range 60 {
		cx, name := 0.0, "left"
		if i%2 == 1 {
			cx, name = 10, "right"
		}
		b.WriteString(strings.Join([]string{ftoa(cx + float64(i%5)*0.1), ftoa(float64(i%7) * 0.1), name}, ",") + "\n")
	}
	os.WriteFile(csv, []byte(b.String()), 0o644)
	labels := filepath.Join(dir, "labels.csv")
	code, out, errs = run("cluster", "--data", csv, "--target", "kind", "--algo", "agglomerative", "--output", labels)
	if code != 0 || !strings.Contains(out, "2 clusters in 60 rows") || !strings.HasSuffix(out, "adjusted rand index: 1.0000\n") {
		t.Fatalf("ember cluster --data csv: exit %d\n%s%s", code, out, errs)
	}
	written, err := os.ReadFile(labels)
	if err != nil {
		t.Fatal(err)
	}
	if lines := strings.Split(strings.TrimSpace(string(written)), "\n"); len(lines) != 61 || lines[0] != "label" {
		t.Fatalf("labels file has %d lines starting %q", len(lines), lines[0])
	}
	// Without --target every column is a feature: no truth, no ARI line.
	code, out, _ = run("cluster", "--data", csv, "--target", "", "--k", "2")
	if code != 2 || strings.Contains(out, "adjusted rand") { // the text column cannot be a feature
		t.Fatalf("text feature column: exit %d\n%s", code, out)
	}
	for _, args := range [][]string{
		{"--data", "moons", "--algo", "dbscan", "--eps", "0.2"},
		{"--data", "moons", "--algo", "spectral", "--samples", "500"},
		{"--algo", "meanshift"},
		{"--algo", "gmm"},
		{"--algo", "minibatch"},
	} {
		code, out, errs := run(append([]string{"cluster"}, args...)...)
		if code != 0 || !strings.HasSuffix(out, "adjusted rand index: 1.0000\n") {
			t.Fatalf("ember cluster %v: exit %d\n%s%s", args, code, out, errs)
		}
	}
}

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func TestClusterBadInputIsOneLineStatus2(t *testing.T) {
	dir := t.TempDir()
	nan := filepath.Join(dir, "nan.csv")
	os.WriteFile(nan, []byte("a,b\n1,2\nNaN,3\n4,5\n"), 0o644)
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"unknown algo":     {[]string{"cluster", "--algo", "magic"}, "unknown --algo"},
		"negative k":       {[]string{"cluster", "--k", "-3"}, "--k must be positive"},
		"more k than rows": {[]string{"cluster", "--samples", "5", "--k", "9"}, "n_samples=5 should be >= n_clusters=9"},
		"nan":              {[]string{"cluster", "--data", nan, "--k", "2"}, "NaN"},
		"missing file":     {[]string{"cluster", "--data", filepath.Join(dir, "none.csv")}, "no such file"},
		"bad linkage":      {[]string{"cluster", "--algo", "agglomerative", "--linkage", "median"}, "median"},
		"output folder":    {[]string{"cluster", "--output", filepath.Join(dir, "no", "such", "labels.csv")}, "cannot write --output"},
	} {
		code, _, errs := run(c.args...)
		if code != 2 || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, c.want) || strings.Contains(errs, "goroutine") {
			t.Errorf("%s: exit %d, stderr %q; want status 2 and one line containing %q", name, code, errs, c.want)
		}
	}
}
