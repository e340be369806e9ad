package cli_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestTrainCrossValidation(t *testing.T) {
	log := filepath.Join(t.TempDir(), "cv.jsonl")
	code, out, errs := run("train", "--samples", "300", "--epochs", "3", "--cv", "3", "--log", log)
	if code != 0 {
		t.Fatalf("mlp: exit %d: %s", code, errs)
	}
	folds := regexp.MustCompile(`(?m)^fold (\d)/3: 200 train / 100 test rows, accuracy \d\.\d{4} \(fit \d+\.\d\d s\)$`).FindAllStringSubmatch(out, -1)
	if len(folds) != 3 || folds[0][1] != "1" || folds[2][1] != "3" {
		t.Fatalf("want 3 fold lines, got:\n%s", out)
	}
	if !strings.Contains(out, "cross-validation: 3 folds (StratifiedKFold, shuffled with seed 42) of 300 rows of circles") {
		t.Errorf("no header line:\n%s", out)
	}
	if !regexp.MustCompile(`\ncv accuracy: \d\.\d{4} ± \d\.\d{4}\n$`).MatchString(out) {
		t.Errorf("last line is not \"cv accuracy: 0.xxxx ± 0.xxxx\":\n%s", out)
	}
	recs := readJSONL(t, log)
	if len(recs) != 9 || recs[0]["fold"] != 1.0 || recs[8]["fold"] != 3.0 || recs[8]["epoch"] != 3.0 {
		t.Errorf("cv.jsonl: %d records, want 3 epochs of 3 folds with their fold", len(recs))
	}

	code, out, errs = run("train", "--data", "plane", "--samples", "200", "--model", "ridge", "--cv", "4")
	if code != 0 {
		t.Fatalf("ridge: exit %d: %s", code, errs)
	}
	if n := strings.Count(out, "\nfold "); n != 4 || !strings.Contains(out, "(KFold, shuffled") || !regexp.MustCompile(`\ncv r2: 0\.9\d{3} ± 0\.\d{4}\n$`).MatchString(out) {
		t.Fatalf("ridge: %d fold lines, want 4 and a final \"cv r2:\" line:\n%s", n, out)
	}
}

func TestTrainCrossValidationUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--cv", "1"}, "--cv must be at least 2"},
		{[]string{"--cv", "-3"}, "--cv must be at least 2"},
		{[]string{"--cv", "3", "--save", filepath.Join(t.TempDir(), "m.safetensors")}, "--save cannot be used with --cv"},
		{[]string{"--cv", "3", "--plots", t.TempDir()}, "--plots cannot be used with --cv"},
		{[]string{"--cv", "3", "--test-split", "0.3"}, "--test-split cannot be used with --cv"},
		{[]string{"--cv", "500", "--samples", "300"}, "cannot have 500 splits with only 300 samples"},
	} {
		code, _, errs := run(append([]string{"train", "--epochs", "1"}, c.args...)...)
		if code != 2 || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want one line containing %q", c.args, code, errs, c.want)
		}
	}
}
