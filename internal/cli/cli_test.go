package cli_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ember-ml/ember/internal/cli"
)

func run(args ...string) (code int, stdout, stderr string) {
	var out, errb bytes.Buffer
	code = cli.Run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestTrainDefaultReachesCourseAccuracy(t *testing.T) {
	code, out, errs := run("train")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"Sequential(", "(0): Linear(in_features=2, out_features=10, bias=True)", "epoch 100/100", "precision    recall  f1-score   support", "confusion matrix"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	last := lines[len(lines)-1]
	m := regexp.MustCompile(`^test accuracy: (\d\.\d{4})$`).FindStringSubmatch(last)
	if m == nil {
		t.Fatalf("last line %q is not of the form \"test accuracy: 0.9950\"", last)
	}
	if acc, _ := strconv.ParseFloat(m[1], 64); acc < 0.99 {
		t.Fatalf("test accuracy %v < 0.99", acc)
	}
}

func TestTrainMulticlassRegressionAndCSV(t *testing.T) {
	code, out, errs := run("train", "--data", "blobs", "--epochs", "20", "--val-split", "0.1", "--early-stopping", "5")
	if code != 0 || !strings.Contains(out, "out_features=3") || !strings.Contains(out, "test accuracy: ") {
		t.Fatalf("blobs: exit %d, %s\n%s", code, errs, out)
	}
	code, out, errs = run("train", "--data", "plane", "--epochs", "30")
	if code != 0 || !regexp.MustCompile(`test r2: 0\.9\d{3}\n$`).MatchString(out) {
		t.Fatalf("plane: exit %d, %s\n%s", code, errs, out)
	}
	dir := t.TempDir()
	var csv strings.Builder
	csv.WriteString("width,height,kind\n")
	for i := range 120 {
		w, h := float64(i%12), float64(i/12)
		kind := "small"
		if w+h > 10 {
			kind = "large"
		}
		csv.WriteString(strconv.FormatFloat(w, 'f', 1, 64) + "," + strconv.FormatFloat(h, 'f', 1, 64) + "," + kind + "\n")
	}
	path := filepath.Join(dir, "shapes.csv")
	os.WriteFile(path, []byte(csv.String()), 0o644)
	code, out, errs = run("train", "--data", path, "--epochs", "80", "--hidden", "16")
	if code != 0 || !strings.Contains(out, "large") || !strings.Contains(out, "test accuracy: ") {
		t.Fatalf("csv: exit %d, %s\n%s", code, errs, out)
	}
}

func TestErrorsAreOneLineWithStatus2(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("a,b,y\n1,2,0\n3,oops,1\n"), 0o644)
	tiny := filepath.Join(dir, "tiny.csv")
	os.WriteFile(tiny, []byte("a,y\n1,0\n2,1\n"), 0o644)
	for name, c := range map[string]struct {
		args []string
		want string
	}{
		"unknown data":      {[]string{"train", "--data", "nope"}, "unknown --data"},
		"missing file":      {[]string{"train", "--data", filepath.Join(dir, "missing.csv")}, "no such file"},
		"malformed csv":     {[]string{"train", "--data", bad}, "line 3, column 2"},
		"missing target":    {[]string{"train", "--data", bad, "--target", "zzz"}, "target column \"zzz\" not found"},
		"too few rows":      {[]string{"train", "--data", tiny}, "splitting 2 rows"},
		"bad flag value":    {[]string{"train", "--lr", "fast"}, "invalid value \"fast\""},
		"unknown flag":      {[]string{"train", "--colour"}, "flag provided but not defined"},
		"unknown optimizer": {[]string{"train", "--optimizer", "lbfgs"}, "unknown optimizer"},
		"unknown loss":      {[]string{"train", "--loss", "hinge"}, "unknown --loss"},
		"wrong loss":        {[]string{"train", "--loss", "mse"}, "regression loss"},
		"bad hidden":        {[]string{"train", "--hidden", "10,x"}, "invalid --hidden"},
		"bad split":         {[]string{"train", "--test-split", "1.5"}, "--test-split"},
		"unknown command":   {[]string{"fly"}, "unknown command"},
	} {
		code, _, errs := run(c.args...)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2", name, code)
		}
		if strings.Count(errs, "\n") != 1 || !strings.Contains(errs, c.want) || strings.Contains(errs, "goroutine") {
			t.Errorf("%s: stderr %q, want one line containing %q", name, errs, c.want)
		}
	}
}

func TestHelpDocumentsEveryFlag(t *testing.T) {
	code, out, _ := run("--help")
	if code != 0 || !strings.Contains(out, "train") {
		t.Fatalf("ember --help: %d %q", code, out)
	}
	code, out, _ = run("train", "--help")
	if code != 0 {
		t.Fatalf("train --help exit %d", code)
	}
	for _, f := range []string{"data", "target", "task", "hidden", "activation", "loss", "optimizer", "lr", "batch-size", "epochs", "val-split", "test-split", "early-stopping", "seed", "samples", "noise"} {
		if !strings.Contains(out, "-"+f+" ") {
			t.Errorf("train --help does not document --%s", f)
		}
	}
	for _, d := range []string{`(default "circles")`, "(default 0.01)", "(default 32)", "(default 100)", "(default 42)", "(default 0.2)"} {
		if !strings.Contains(out, d) {
			t.Errorf("train --help lacks %s", d)
		}
	}
}

func TestSavePredictEvalInspectResume(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "moons.safetensors")
	ck := filepath.Join(dir, "ck")
	code, out, errs := run("train", "--data", "moons", "--epochs", "20", "--save", model, "--checkpoint-dir", ck)
	if code != 0 || !strings.Contains(out, "saved the model to") {
		t.Fatalf("train --save: %d %s", code, errs)
	}
	pts := filepath.Join(dir, "pts.csv")
	os.WriteFile(pts, []byte("x0,x1\n0,0\n-1,0.5\n"), 0o644)
	preds := filepath.Join(dir, "preds.csv")
	if code, _, errs := run("predict", "--model", model, "--input", pts, "--output", preds); code != 0 {
		t.Fatalf("predict: %s", errs)
	}
	got, _ := os.ReadFile(preds)
	lines := strings.Split(strings.TrimSpace(string(got)), "\n")
	if lines[0] != "x0,x1,prediction,p_0,p_1" || len(lines) != 3 || !strings.HasPrefix(lines[2], "-1,0.5,0,") {
		t.Fatalf("predictions:\n%s", got)
	}
	labelled := filepath.Join(dir, "labelled.csv")
	os.WriteFile(labelled, []byte("x0,x1,y\n0,0,1\n-1,0.5,0\n1,-0.4,1\n"), 0o644)
	code, out, errs = run("eval", "--model", model, "--data", labelled)
	if code != 0 || !strings.Contains(out, "test accuracy: ") || !strings.Contains(out, "precision") {
		t.Fatalf("eval: %d %s %s", code, out, errs)
	}
	code, out, _ = run("inspect", model)
	if code != 0 || !strings.Contains(out, "0.weight  float32  [10 2]") || !strings.Contains(out, "parameters: 261") || !strings.Contains(out, "Sequential(") {
		t.Fatalf("inspect:\n%s", out)
	}
	code, out, errs = run("train", "--data", "moons", "--epochs", "25", "--resume", filepath.Join(ck, "last.safetensors"))
	if code != 0 || strings.Contains(out, "epoch  1/25") || !strings.Contains(out, "epoch 21/25") {
		t.Fatalf("resume: %d %s\n%s", code, errs, out)
	}
	for name, args := range map[string][]string{
		"predict without model": {"predict", "--input", pts},
		"predict missing model": {"predict", "--model", filepath.Join(dir, "none.safetensors"), "--input", pts},
		"inspect garbage":       {"inspect", pts},
		"eval wrong columns":    {"eval", "--model", model, "--data", preds},
		"resume missing":        {"train", "--resume", filepath.Join(dir, "nope")},
	} {
		code, _, errs := run(args...)
		if code != 2 || strings.Count(errs, "\n") != 1 {
			t.Errorf("%s: exit %d, stderr %q", name, code, errs)
		}
	}
}

func TestTrainFashionMNIST(t *testing.T) {
	if _, err := os.Stat("/usr/share/datasets/fashion-mnist"); err != nil {
		code, _, errs := run("train", "--data", "fashion-mnist", "--fashion-dir", t.TempDir())
		if code != 2 || !strings.Contains(errs, "dataset-fashion-mnist") {
			t.Fatalf("missing data: %d %q", code, errs)
		}
		t.Skip("Debian's dataset-fashion-mnist is not installed")
	}
	code, out, errs := run("train", "--data", "fashion-mnist", "--epochs", "1")
	if code != 0 || !strings.Contains(out, "in_features=784, out_features=256") {
		t.Fatalf("mlp: %d %s", code, errs)
	}
	m := regexp.MustCompile(`test accuracy: (0\.\d{4})`).FindStringSubmatch(out)
	if acc, _ := strconv.ParseFloat(m[1], 64); acc < 0.80 {
		t.Fatalf("one epoch reached %v", acc)
	}
	if code, _, errs := run("train", "--model", "cnn"); code != 2 || !strings.Contains(errs, "needs image data") {
		t.Fatalf("cnn on circles: %d %q", code, errs)
	}
}
