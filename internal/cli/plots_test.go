package cli_test

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// checkPNG decodes a PNG and checks its size in pixels and that it has at least minColours
// distinct colours (a blank or one-colour figure fails).
func checkPNG(t *testing.T, path string, w, h, minColours int) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("%s: %v", filepath.Base(path), err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s does not decode: %v", filepath.Base(path), err)
	}
	if b := img.Bounds(); b.Dx() != w || b.Dy() != h {
		t.Errorf("%s is %d×%d pixels, want %d×%d", filepath.Base(path), b.Dx(), b.Dy(), w, h)
	}
	if n := colours(img); n < minColours {
		t.Errorf("%s has %d distinct colours, want ≥ %d", filepath.Base(path), n, minColours)
	}
}

func colours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}

// wrote returns the paths of the "wrote PATH" lines of an output.
func wrote(out string) []string {
	var paths []string
	for _, l := range strings.Split(out, "\n") {
		if p, ok := strings.CutPrefix(l, "wrote "); ok {
			paths = append(paths, p)
		}
	}
	return paths
}

func TestTrainPlotsNetwork(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "plots") // created by train
	code, out, errs := run("train", "--samples", "300", "--epochs", "5", "--val-split", "0.2", "--plots", dir)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	want := []string{"loss.png", "confusion.png", "boundary.png", "roc.png"}
	got := wrote(out)
	if len(got) != len(want) {
		t.Fatalf("wrote %v, want %v", got, want)
	}
	for i, name := range want {
		if got[i] != filepath.Join(dir, name) {
			t.Errorf("line %d: wrote %s, want %s", i, got[i], filepath.Join(dir, name))
		}
	}
	checkPNG(t, filepath.Join(dir, "loss.png"), 1100, 450, 20) // loss and accuracy panels
	checkPNG(t, filepath.Join(dir, "confusion.png"), 500, 450, 20)
	checkPNG(t, filepath.Join(dir, "boundary.png"), 600, 450, 100) // a colour field
	checkPNG(t, filepath.Join(dir, "roc.png"), 550, 500, 20)

	// Regression: only the loss curves.
	dir = t.TempDir()
	code, out, errs = run("train", "--data", "plane", "--samples", "200", "--epochs", "3", "--plots", dir)
	if code != 0 {
		t.Fatalf("plane: exit %d: %s", code, errs)
	}
	if got := wrote(out); len(got) != 1 || filepath.Base(got[0]) != "loss.png" {
		t.Fatalf("plane: wrote %v, want loss.png only", got)
	}
	checkPNG(t, filepath.Join(dir, "loss.png"), 600, 450, 10) // no metric panel
}

func TestTrainPlotsClassical(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := run("train", "--data", "moons", "--samples", "300", "--noise", "0.2", "--model", "svm", "--plots", dir)
	if code != 0 {
		t.Fatalf("svm: exit %d: %s", code, errs)
	}
	got := wrote(out)
	if len(got) != 3 || !strings.HasSuffix(got[0], "confusion.png") || !strings.HasSuffix(got[1], "boundary.png") || !strings.HasSuffix(got[2], "roc.png") {
		t.Fatalf("svm: wrote %v, want confusion, boundary and roc (decision values)", got)
	}
	checkPNG(t, got[1], 600, 450, 20)
	checkPNG(t, got[2], 550, 500, 20)

	// Three classes: no ROC curve; kNN's probabilities colour the field.
	dir = t.TempDir()
	code, out, errs = run("train", "--data", "blobs", "--samples", "300", "--model", "knn", "--plots", dir)
	if code != 0 {
		t.Fatalf("knn: exit %d: %s", code, errs)
	}
	if got := wrote(out); len(got) != 2 || !strings.HasSuffix(got[1], "boundary.png") {
		t.Fatalf("knn: wrote %v, want confusion and boundary", got)
	}
	checkPNG(t, filepath.Join(dir, "boundary.png"), 600, 450, 100)

	// A regressor has no figures, and says so.
	code, out, errs = run("train", "--data", "plane", "--samples", "200", "--model", "ridge", "--plots", t.TempDir())
	if code != 0 || !strings.Contains(out, "no plots written") {
		t.Fatalf("ridge: exit %d: %s\n%s", code, errs, out)
	}
}

func TestTrainPlotsAndLogFolders(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no", "such")
	for _, c := range []struct {
		args   []string
		folder string
	}{
		{[]string{"train", "--epochs", "1", "--plots", missing}, filepath.Dir(missing)}, // the folder itself may be made
		{[]string{"train", "--epochs", "1", "--log", filepath.Join(missing, "run.jsonl")}, missing},
		{[]string{"plot", "a.jsonl", "--output", filepath.Join(missing, "loss.png")}, missing},
	} {
		args := c.args
		code, _, errs := run(args...)
		if code != 2 || !strings.Contains(errs, "folder "+c.folder+" does not exist") || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want one line naming the missing folder", args, code, errs)
		}
	}
}
