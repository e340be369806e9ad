package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image/png"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tuneArgs is a small, fast study: 300 circles, 3 epochs a trial.
var tuneArgs = []string{"--data", "circles", "--samples", "300", "--epochs", "3", "--sampler", "random",
	"--lr", "1e-3:1e-1:log", "--hidden", "4,8", "--layers", "1:2"}

func tuneRun(args ...string) (string, string, error) {
	var out, errs bytes.Buffer
	err := runTune(context.Background(), args, &out, &errs)
	return out.String(), errs.String(), err
}

var trialLine = regexp.MustCompile(`(?m)^trial +(\d+)  `)

// TestTunePrintsBestAndFlagsThatReproduceIt: the study prints a line per trial, the table, the
// best score, and ember train flags whose run ends with the same validation accuracy. Every
// trial uses dropout and weight decay, so ember train must draw the same dropout masks and
// decay the weights as the trial did.
func TestTunePrintsBestAndFlagsThatReproduceIt(t *testing.T) {
	out, errs, err := tuneRun(append(tuneArgs, "--trials", "4", "--top", "3", "--dropout", "0.1:0.3", "--weight-decay", "1e-3:1e-1:log")...)
	if err != nil {
		t.Fatalf("ember tune: %v\n%s%s", err, out, errs)
	}
	if n := len(trialLine.FindAllString(out, -1)); n != 4 {
		t.Errorf("%d progress lines, want 4:\n%s", n, out)
	}
	if !strings.Contains(out, "top 3 of 4 trials:\ntrial  ") {
		t.Errorf("no top-3 table:\n%s", out)
	}
	m := regexp.MustCompile(`(?m)^best validation score: (0\.\d{4}|1\.0000) .*\nreproduce it with:\n  ember train (.*)\n`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no best score and ember train flags:\n%s", out)
	}
	// The flags reproduce the best trial: ember train's last epoch has the same val_acc.
	var trainOut, trainErr bytes.Buffer
	if !regexp.MustCompile(`--dropout 0\.[123].* --weight-decay 0\.0`).MatchString(m[2]) {
		t.Errorf("the ember train flags %q lack the trial's --dropout or --weight-decay", m[2])
	}
	args := strings.Fields(strings.ReplaceAll(m[2], "'", ""))
	if err := runTrain(context.Background(), args, &trainOut, &trainErr); err != nil {
		t.Fatalf("ember train %s: %v\n%s", m[2], err, trainErr.String())
	}
	accs := regexp.MustCompile(`val_acc (\d\.\d{4})`).FindAllStringSubmatch(trainOut.String(), -1)
	if len(accs) != 3 || accs[2][1] != m[1] {
		t.Errorf("ember train %s: val_acc per epoch %v, want the last to be the best trial's %s\n%s", m[2], accs, m[1], trainOut.String())
	}
}

// TestTuneResumesFromItsJournal: 4 trials with a journal, then 8 with the same journal run
// only trials 4–7.
func TestTuneResumesFromItsJournal(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "study.jsonl")
	args := append(tuneArgs, "--journal", journal, "--prune", "median", "--sampler", "tpe")
	out, errs, err := tuneRun(append(args, "--trials", "4")...)
	if err != nil {
		t.Fatalf("first run: %v\n%s%s", err, out, errs)
	}
	out, errs, err = tuneRun(append(args, "--trials", "8")...)
	if err != nil {
		t.Fatalf("second run: %v\n%s%s", err, out, errs)
	}
	var ran []string
	for _, m := range trialLine.FindAllStringSubmatch(out, -1) {
		ran = append(ran, m[1])
	}
	if strings.Join(ran, " ") != "4 5 6 7" || !strings.Contains(out, "ran 4 trials; 4 finished ones came from the journal") {
		t.Errorf("second run ran trials %v, want 4 5 6 7:\n%s", ran, out)
	}
	checkJournal(t, journal, 8)
}

// TestTuneParallelRunsTheSameTrials: with the random sampler, 2 trials at a time try the
// same parameters as 1 at a time, with the same results.
func TestTuneParallelRunsTheSameTrials(t *testing.T) {
	dir := t.TempDir()
	params := func(parallel string) []string {
		journal := filepath.Join(dir, parallel+".jsonl")
		out, errs, err := tuneRun(append(tuneArgs, "--trials", "4", "--parallel", parallel, "--journal", journal)...)
		if err != nil {
			t.Fatalf("--parallel %s: %v\n%s%s", parallel, err, out, errs)
		}
		return checkJournal(t, journal, 4)
	}
	one, two := params("1"), params("2")
	if strings.Join(one, "\n") != strings.Join(two, "\n") {
		t.Errorf("--parallel 1 tried\n%s\n--parallel 2 tried\n%s", strings.Join(one, "\n"), strings.Join(two, "\n"))
	}
}

// checkJournal checks that the journal holds trials 0 … n−1 once each and returns their
// parameters (as JSON), states and values in trial order.
func checkJournal(t *testing.T, path string, n int) []string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	params := make([]string, n)
	seen := map[int]bool{}
	for _, line := range lines[1:] {
		var tr struct {
			Number int             `json:"number"`
			State  string          `json:"state"`
			Params json.RawMessage `json:"params"`
			Value  json.RawMessage `json:"value"`
		}
		if err := json.Unmarshal([]byte(line), &tr); err != nil {
			t.Fatalf("journal line %q: %v", line, err)
		}
		if seen[tr.Number] || tr.Number < 0 || tr.Number >= n {
			t.Fatalf("journal holds trial %d twice or out of 0…%d:\n%s", tr.Number, n-1, b)
		}
		seen[tr.Number] = true
		params[tr.Number] = string(tr.Params) + " " + tr.State + " " + string(tr.Value)
	}
	if len(seen) != n {
		t.Fatalf("journal holds %d trials, want %d:\n%s", len(seen), n, b)
	}
	return params
}

// TestTuneHelperProcess is not a test: TestTuneSurvivesSIGKILL runs the test binary with
// EMBER_TUNE_ARGS set to make this an "ember tune" process it can kill.
func TestTuneHelperProcess(t *testing.T) {
	args := os.Getenv("EMBER_TUNE_ARGS")
	if args == "" {
		t.Skip("helper process for TestTuneSurvivesSIGKILL")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := runTune(ctx, strings.Split(args, "\x1f"), os.Stdout, os.Stderr); err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		os.Exit(2)
	}
	os.Exit(0)
}

// TestTuneSurvivesSIGKILL kills an ember tune process with SIGKILL once its journal holds 2
// finished trials, reruns the same command, and checks that the study ends with every trial
// once. The killed process is this test binary running TestTuneHelperProcess, which calls
// runTune as cmd/ember does.
func TestTuneSurvivesSIGKILL(t *testing.T) {
	const trials = 12
	journal := filepath.Join(t.TempDir(), "study.jsonl")
	args := []string{"--data", "circles", "--samples", "1000", "--epochs", "8", "--sampler", "tpe",
		"--lr", "1e-3:1e-1:log", "--hidden", "8,16", "--layers", "1:3", "--batch-size", "16,32",
		"--journal", journal, "--trials", strconv.Itoa(trials)}
	cmd := exec.Command(os.Args[0], "-test.run=^TestTuneHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "EMBER_TUNE_ARGS="+strings.Join(args, "\x1f"))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	finished := func() int {
		f, err := os.Open(journal)
		if err != nil {
			return 0
		}
		defer f.Close()
		n := 0
		for sc := bufio.NewScanner(f); sc.Scan(); {
			if strings.HasPrefix(sc.Text(), `{"number":`) {
				n++
			}
		}
		return n
	}
	deadline := time.Now().Add(60 * time.Second)
	for finished() < 2 {
		select {
		case err := <-exited:
			t.Fatalf("ember tune ended (%v) before the kill:\n%s", err, out.String())
		case <-time.After(5 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("no 2 finished trials after 60 s:\n%s", out.String())
		}
	}
	if err := cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	err := <-exited
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != -1 {
		t.Fatalf("ember tune was not killed (%v):\n%s", err, out.String())
	}
	done := finished()
	if done >= trials {
		t.Fatalf("all %d trials finished before the kill; make the trials longer", trials)
	}
	t.Logf("killed with %d of %d trials in the journal", done, trials)

	o, errs, err := tuneRun(args...)
	if err != nil {
		t.Fatalf("rerun: %v\n%s%s", err, o, errs)
	}
	if n := len(trialLine.FindAllString(o, -1)); n != trials-done {
		t.Errorf("rerun ran %d trials, want %d:\n%s", n, trials-done, o)
	}
	checkJournal(t, journal, trials)
}

// TestTuneBadFlags: every mistake is a usage error naming the flag.
func TestTuneBadFlags(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{nil, "nothing to tune"},
		{[]string{"--lr", "abc"}, `--lr "abc"`},
		{[]string{"--lr", "0:0.1"}, "--lr"},
		{[]string{"--lr", "1e-3:1e-1", "--sampler", "cmaes"}, `unknown --sampler "cmaes"`},
		{[]string{"--lr", "1e-3:1e-1", "--prune", "hyperband"}, `unknown --prune "hyperband"`},
		{[]string{"--hidden", "8.5,16"}, "not an integer"},
		{[]string{"--hidden", "8.0:16"}, "not an integer"},
		{[]string{"--hidden", "relu,tanh"}, "not a number"},
		{[]string{"--layers", "-1:2"}, "out of range"},
		{[]string{"--hidden", "8,1000000"}, "out of range"},
		{[]string{"--batch-size", "0,32"}, "out of range"},
		{[]string{"--dropout", "0:1"}, "out of range"},
		{[]string{"--weight-decay", "-1:1"}, "out of range"},
		{[]string{"--lr", "1e-3:1e-1", "--trials", "0"}, "--trials must be positive"},
		{[]string{"--lr", "1e-3:1e-1", "--parallel", "0"}, "--parallel must be positive"},
		{[]string{"--lr", "1e-3:1e-1", "--val-split", "0"}, "--val-split must be in (0, 1)"},
		{[]string{"--lr", "1e-3:1e-1", "--data", "nosuch"}, `unknown --data "nosuch"`},
		{[]string{"--lr", "1e-3:1e-1", "--activation", "tanh"}, "flag provided but not defined"},
		{[]string{"--lr", "1e-3:1e-1", "extra"}, `unexpected argument "extra"`},
		{[]string{"--lr", "1e-3:1e-1", "--save", "m.safetensors"}, "--save needs --refit"},
		{[]string{"--lr", "1e-3:1e-1", "--plots", "/nonexistent/dir/plots"}, "--plots /nonexistent/dir/plots: folder /nonexistent/dir does not exist"},
		{[]string{"--lr", "1e-3:1e-1", "--refit", "--save", "/nonexistent/m.safetensors"}, "--save /nonexistent/m.safetensors: folder /nonexistent does not exist"},
	} {
		_, _, err := tuneRun(c.args...)
		var u usageError
		if !errors.As(err, &u) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ember tune %v: error %v (usage error: %v), want a usage error with %q", c.args, err, errors.As(err, &u), c.want)
		}
	}
}

// TestTuneRegressionScoresR2: a regression target is scored by validation R², and a layers
// range that includes 0 reproduces with an empty --hidden.
func TestTuneRegressionScoresR2(t *testing.T) {
	out, errs, err := tuneRun("--data", "regression", "--samples", "300", "--epochs", "2", "--trials", "3",
		"--sampler", "grid", "--layers", "0:2", "--lr", "0.05")
	if err != nil {
		t.Fatalf("ember tune: %v\n%s%s", err, out, errs)
	}
	if !strings.Contains(out, "score: validation R²") || !strings.Contains(out, "(validation R² of trial ") {
		t.Errorf("not scored by R²:\n%s", out)
	}
	if n := len(trialLine.FindAllString(out, -1)); n != 3 {
		t.Errorf("%d trials for a grid of 3 layer counts:\n%s", n, out)
	}
}

// TestTuneInterruptedKeepsTheJournalClean: a cancelled context (Ctrl-C) stops the study
// without recording the interrupted trials, so that a rerun runs them.
func TestTuneInterruptedKeepsTheJournalClean(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "study.jsonl")
	args := append(tuneArgs, "--journal", journal, "--trials", "3")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errs bytes.Buffer
	err := runTune(ctx, args, &out, &errs)
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "rerun the same command to resume") {
		t.Fatalf("error %v, want an interruption that says how to resume\n%s", err, out.String())
	}
	o, e, err := tuneRun(args...)
	if err != nil {
		t.Fatalf("rerun: %v\n%s%s", err, o, e)
	}
	if n := len(trialLine.FindAllString(o, -1)); n != 3 {
		t.Errorf("rerun ran %d trials, want all 3:\n%s", n, o)
	}
	checkJournal(t, journal, 3)
}

// TestTunePlotsRefitAndSave: --plots writes both figures as PNGs; --refit trains the best
// configuration on the training and validation rows and prints the test accuracy that ember
// train prints with the reproduce flags and --val-split 0; --save writes a model that loads.
func TestTunePlotsRefitAndSave(t *testing.T) {
	dir := t.TempDir()
	plots, model := filepath.Join(dir, "plots"), filepath.Join(dir, "best.safetensors")
	out, errs, err := tuneRun(append(tuneArgs, "--trials", "4", "--dropout", "0:0.3",
		"--plots", plots, "--refit", "--save", model)...)
	if err != nil {
		t.Fatalf("ember tune: %v\n%s%s", err, out, errs)
	}
	for _, name := range []string{"history.png", "importance.png"} {
		f, err := os.Open(filepath.Join(plots, name))
		if err != nil {
			t.Fatalf("%v\n%s", err, out)
		}
		img, err := png.Decode(f)
		f.Close()
		if err != nil || img.Bounds().Dx() < 600 {
			t.Errorf("%s: %v, %v", name, err, img)
		}
		if !strings.Contains(out, "wrote "+filepath.Join(plots, name)+"\n") {
			t.Errorf("no wrote line for %s:\n%s", name, out)
		}
	}
	acc := regexp.MustCompile(`(?m)^test accuracy: (\d\.\d{4})$`).FindStringSubmatch(out)
	if acc == nil || !strings.Contains(out, "\nrefit: trial ") || !strings.Contains(out, "saved the model to "+model) {
		t.Fatalf("no refit, test accuracy or saved line:\n%s", out)
	}
	s, err := loadSavedModel(model)
	if err != nil {
		t.Fatalf("the saved model does not load: %v", err)
	}
	if s.task != "classification" || len(s.classes) != 2 {
		t.Errorf("saved model: task %q, classes %v", s.task, s.classes)
	}
	// The refit is ember train with the reproduce flags on all training rows.
	repro := regexp.MustCompile(`(?m)^  ember train (.*)$`).FindStringSubmatch(out)
	args := strings.Fields(strings.ReplaceAll(repro[1], "'", ""))
	var trainOut, trainErr bytes.Buffer
	if err := runTrain(context.Background(), append(args, "--val-split", "0"), &trainOut, &trainErr); err != nil {
		t.Fatalf("ember train: %v\n%s", err, trainErr.String())
	}
	if !strings.Contains(trainOut.String(), "test accuracy: "+acc[1]+"\n") {
		t.Errorf("ember train %s --val-split 0 does not end with the refit's test accuracy %s:\n%s", repro[1], acc[1], trainOut.String())
	}
}

// TestTuneRefitRegression: a regression refit prints ember train's test r2 line.
func TestTuneRefitRegression(t *testing.T) {
	out, errs, err := tuneRun("--data", "regression", "--samples", "200", "--epochs", "2", "--trials", "2",
		"--sampler", "random", "--lr", "0.01:0.1", "--layers", "1", "--refit")
	if err != nil {
		t.Fatalf("ember tune: %v\n%s%s", err, out, errs)
	}
	if !regexp.MustCompile(`(?m)^test r2: -?\d+\.\d{4}$`).MatchString(out) {
		t.Errorf("no test r2 line:\n%s", out)
	}
}

// TestTrainDropoutAndWeightDecay: ember train's --dropout puts nn.Dropout after every hidden
// activation, --weight-decay changes the training, and bad values or classical models are
// usage errors.
func TestTrainDropoutAndWeightDecay(t *testing.T) {
	trainRun := func(args ...string) (string, error) {
		var out, errs bytes.Buffer
		err := runTrain(context.Background(), append([]string{"--samples", "200"}, args...), &out, &errs)
		return out.String(), err
	}
	mlp := []string{"--epochs", "2", "--hidden", "8,8"}
	out, err := trainRun(append(mlp, "--dropout", "0.25")...)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "Dropout(p=0.25, inplace=False)"); n != 2 {
		t.Errorf("%d dropout layers, want 2:\n%s", n, out)
	}
	plain, err := trainRun(mlp...)
	if err != nil {
		t.Fatal(err)
	}
	decayed, err := trainRun(append(mlp, "--weight-decay", "0.5")...)
	if err != nil {
		t.Fatal(err)
	}
	loss := regexp.MustCompile(`loss \d+\.\d+`)
	if loss.FindAllString(plain, -1)[1] == loss.FindAllString(decayed, -1)[1] {
		t.Errorf("--weight-decay 0.5 did not change the training:\n%s\n%s", plain, decayed)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--dropout", "1"}, "--dropout must be in [0, 1), got 1"},
		{[]string{"--dropout", "-0.1"}, "--dropout must be in [0, 1)"},
		{[]string{"--dropout", "NaN"}, "--dropout must be in [0, 1)"},
		{[]string{"--weight-decay", "-1"}, "--weight-decay must be 0 or more, got -1"},
		{[]string{"--model", "knn", "--dropout", "0.1"}, "--dropout"},
		{[]string{"--model", "svm", "--weight-decay", "0.1"}, "--weight-decay"},
		{[]string{"--model", "cnn", "--data", "fashion-mnist", "--dropout", "0.1"}, "--dropout applies to --model mlp only"},
	} {
		_, err := trainRun(c.args...)
		var u usageError
		if !errors.As(err, &u) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ember train %v: error %v, want a usage error with %q", c.args, err, c.want)
		}
	}
}
