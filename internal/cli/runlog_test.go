package cli_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readJSONL parses every line of a log as a JSON object.
func readJSONL(t *testing.T, path string) []map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(b), "\n") {
		t.Fatalf("%s does not end on a complete line", path)
	}
	var recs []map[string]any
	for i, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%s line %d %q: %v", path, i+1, line, err)
		}
		recs = append(recs, r)
	}
	return recs
}

func TestTrainLogAndPlot(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	for _, args := range [][]string{
		{"--log", a, "--val-split", "0.2"},
		{"--log", b, "--lr", "0.003"},
		{"--log", b, "--lr", "0.001"}, // a second run appended to b
	} {
		if code, _, errs := run(append([]string{"train", "--samples", "300", "--epochs", "4"}, args...)...); code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, errs)
		}
	}
	recs := readJSONL(t, a)
	if len(recs) != 4 {
		t.Fatalf("a.jsonl has %d records, want 4", len(recs))
	}
	for i, r := range recs {
		if r["epoch"] != float64(i+1) {
			t.Errorf("record %d: epoch %v, want %d", i, r["epoch"], i+1)
		}
		for _, k := range []string{"train_loss", "val_loss", "train_accuracy", "val_accuracy", "lr", "seconds"} {
			if _, ok := r[k].(float64); !ok {
				t.Errorf("record %d: %s is %v, want a number", i, k, r[k])
			}
		}
	}
	recs = readJSONL(t, b)
	if len(recs) != 8 || recs[3]["epoch"] != 4.0 || recs[4]["epoch"] != 1.0 {
		t.Fatalf("b.jsonl: %d records, want two runs of 4 epochs", len(recs))
	}
	if _, ok := recs[0]["val_loss"]; ok {
		t.Errorf("a run without validation logs val_loss: %v", recs[0])
	}

	out := filepath.Join(dir, "runs.png")
	code, stdout, errs := run("plot", a, b, "--output", out)
	if code != 0 || !strings.Contains(stdout, "3 runs: a.jsonl, b.jsonl #1, b.jsonl #2") {
		t.Fatalf("plot: exit %d: %s\n%s", code, errs, stdout)
	}
	checkPNG(t, out, 1200, 450, 20) // loss and accuracy panels, three colours
	code, stdout, errs = run("plot", "--output", out, a)
	if code != 0 || !strings.Contains(stdout, "1 run: a.jsonl") {
		t.Fatalf("plot one log: exit %d: %s\n%s", code, errs, stdout)
	}
	checkPNG(t, out, 1100, 450, 20)
}

func TestTrainLogCSV(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, "run.csv")
	if code, _, errs := run("train", "--samples", "300", "--epochs", "3", "--log", log); code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	b, _ := os.ReadFile(log)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 4 || lines[0] != "epoch,train_loss,train_accuracy,lr,seconds" || !strings.HasPrefix(lines[3], "3,") {
		t.Fatalf("run.csv:\n%s", b)
	}
	// A run with other columns does not mix into the file.
	code, _, errs := run("train", "--samples", "300", "--epochs", "3", "--val-split", "0.2", "--log", log)
	if code != 2 || !strings.Contains(errs, "use another file") {
		t.Fatalf("mismatched columns: exit %d, %q", code, errs)
	}
	out := filepath.Join(dir, "loss.svg")
	if code, _, errs := run("plot", log, "--output", out); code != 0 {
		t.Fatalf("plot csv: exit %d: %s", code, errs)
	}
	if svg, _ := os.ReadFile(out); !strings.Contains(string(svg), "<svg") {
		t.Fatalf("loss.svg is not an SVG")
	}
}

func TestPlotBadLogs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.jsonl", `{"epoch":1,"train_loss":0.5}`+"\n")
	out := filepath.Join(dir, "x.png")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{filepath.Join(dir, "missing.jsonl")}, "missing.jsonl: no such file"},
		{[]string{good, write("bad.jsonl", `{"epoch":1,"train_loss":0.5}`+"\n"+`{"epoch":2,"train_lo`+"\n")}, "bad.jsonl:2: not a JSON object"},
		{[]string{write("noepoch.jsonl", `{"train_loss":0.5}`+"\n")}, `noepoch.jsonl:1: want an "epoch"`},
		{[]string{write("text.jsonl", `{"epoch":1,"train_loss":"low"}`+"\n")}, `text.jsonl:1: "train_loss" is "low"`},
		{[]string{write("empty.jsonl", "")}, "empty.jsonl: no epoch records"},
		{[]string{write("bad.csv", "epoch,train_loss\n1,0.5\n2,x\n")}, "bad.csv:3: train_loss = \"x\" is not a number"},
		{[]string{write("nohead.csv", "a,b\n1,2\n")}, "nohead.csv:1: the header"},
		{[]string{}, "no log files"},
	} {
		code, _, errs := run(append(append([]string{"plot"}, c.args...), "--output", out)...)
		if code != 2 || !strings.Contains(errs, c.want) || strings.Count(errs, "\n") != 1 {
			t.Errorf("%v: exit %d, stderr %q; want one line containing %q", c.args, code, errs, c.want)
		}
	}
	if code, _, errs := run("plot", good); code != 2 || !strings.Contains(errs, "--output is required") {
		t.Errorf("no --output: exit %d, %q", code, errs)
	}
}
