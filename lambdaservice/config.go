package lambdaservice

import (
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/lambdagate/lambdagate/event"
)

// Config configures a [Service]. The zero Config is ready to use: the
// defaults are Lambda's, except where a local machine needs its own.
type Config struct {
	// Region is the AWS Region the functions see (AWS_REGION) and their
	// ARNs name; event.DefaultRegion when empty.
	Region string
	// AccountID is the twelve-digit account in the functions' ARNs;
	// event.DefaultAccountID when empty.
	AccountID string
	// Logs receives the functions' standard output and error, line by
	// line, each prefixed with the function's name and the request id of
	// the invocation that wrote it ("-" outside invocations), and the
	// START, END and REPORT lines Lambda adds. Nil means os.Stderr.
	Logs io.Writer
	// Concurrency is the most instances of a function that run at once
	// when its FunctionConfig.Concurrency is zero: 10 when zero.
	Concurrency int
	// Throttle refuses an invoke that finds every instance busy at the
	// limit, with 429 TooManyRequestsException as Lambda does, instead of
	// waiting for an instance to become free (the default, kinder to a
	// developer's browser).
	Throttle bool
	// InitTimeout bounds an instance's initialisation, from process start
	// to its first call for an invocation: Lambda's 10 seconds when zero.
	// An init that takes longer goes on within the invocation, bounded by
	// the function's timeout, as Lambda retries it there.
	InitTimeout time.Duration
}

// The defaults of Config and FunctionConfig.
const (
	DefaultConcurrency = 10
	DefaultInitTimeout = 10 * time.Second
	DefaultTimeout     = 3 * time.Second
	DefaultMemorySize  = 128
	DefaultHandler     = "bootstrap"
	// Version is the only function version the service runs.
	Version = "$LATEST"
)

var (
	regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d$`)
	accountID     = regexp.MustCompile(`^\d{12}$`)
	// functionName is Lambda's rule for a function name.
	functionName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
)

// withDefaults checks c and returns it with the defaults filled in.
func (c Config) withDefaults() (Config, error) {
	var errs []error
	if c.Region == "" {
		c.Region = event.DefaultRegion
	} else if !regionPattern.MatchString(c.Region) {
		errs = append(errs, fmt.Errorf("lambdaservice: invalid region %q", c.Region))
	}
	if c.AccountID == "" {
		c.AccountID = event.DefaultAccountID
	} else if !accountID.MatchString(c.AccountID) {
		errs = append(errs, fmt.Errorf("lambdaservice: invalid account id %q (want twelve digits)", c.AccountID))
	}
	if c.Logs == nil {
		c.Logs = os.Stderr
	}
	switch {
	case c.Concurrency == 0:
		c.Concurrency = DefaultConcurrency
	case c.Concurrency < 0:
		errs = append(errs, fmt.Errorf("lambdaservice: negative concurrency %d", c.Concurrency))
	}
	switch {
	case c.InitTimeout == 0:
		c.InitTimeout = DefaultInitTimeout
	case c.InitTimeout < 0:
		errs = append(errs, fmt.Errorf("lambdaservice: negative init timeout %v", c.InitTimeout))
	}
	return c, errors.Join(errs...)
}

// FunctionConfig is one function's configuration, as a SAM or
// CloudFormation template gives it. Set Executable, or Package to have
// the service build it.
type FunctionConfig struct {
	// Name is the function's name: 1 to 64 letters, digits, hyphens and
	// underscores.
	Name string
	// Executable is the path of a built bootstrap for this machine.
	Executable string
	// Package is the directory of a Go main package (a template's
	// CodeUri) that the service builds for this machine when the function
	// is added or updated.
	Package string
	// BuildCommand builds Package instead of go build: it runs in
	// Package with ARTIFACTS_DIR set to the directory where it must write
	// the executable named bootstrap, as SAM runs a makefile build
	// (BuildMethod: makefile). Nil means
	//
	//	go build -tags lambda.norpc -o $ARTIFACTS_DIR/bootstrap .
	//
	// for this machine's system and architecture.
	BuildCommand []string
	// Handler is _HANDLER: "bootstrap" when empty.
	Handler string
	// Environment holds the function's variables. Lambda's reserved
	// names (AWS_REGION, _HANDLER, ...) are refused, as Lambda refuses
	// them.
	Environment map[string]string
	// Timeout is the longest an invocation runs: 3 seconds when zero, at
	// most 15 minutes.
	Timeout time.Duration
	// MemorySize is the memory in MB the function reports
	// (AWS_LAMBDA_FUNCTION_MEMORY_SIZE): 128 when zero, at most 10,240.
	// The service does not enforce it.
	MemorySize int
	// Architecture is "x86_64" (when empty) or "arm64". Processes run
	// on this machine's architecture whatever it says.
	Architecture string
	// Concurrency is the most instances that run at once, as the
	// function's reserved concurrency (ReservedConcurrentExecutions) sets
	// it; zero means Config.Concurrency.
	Concurrency int
	// Dir is the task root (LAMBDA_TASK_ROOT), the working directory of
	// the function's processes: Package when empty, or else the
	// executable's directory.
	Dir string
}

// reservedEnv are the variables Lambda defines and refuses in a
// function's configuration (docs/evidence/runtime.md#local-lambda-environment).
var reservedEnv = map[string]bool{
	"_HANDLER": true, "_X_AMZN_TRACE_ID": true, "AWS_DEFAULT_REGION": true, "AWS_REGION": true,
	"AWS_EXECUTION_ENV": true, "AWS_LAMBDA_FUNCTION_NAME": true, "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": true,
	"AWS_LAMBDA_FUNCTION_VERSION": true, "AWS_LAMBDA_INITIALIZATION_TYPE": true,
	"AWS_LAMBDA_LOG_GROUP_NAME": true, "AWS_LAMBDA_LOG_STREAM_NAME": true, "AWS_ACCESS_KEY": true,
	"AWS_ACCESS_KEY_ID": true, "AWS_SECRET_ACCESS_KEY": true, "AWS_SESSION_TOKEN": true,
	"AWS_LAMBDA_RUNTIME_API": true, "LAMBDA_TASK_ROOT": true, "LAMBDA_RUNTIME_DIR": true, "TZ": true,
}

// envName is a variable name Lambda accepts.
var envName = regexp.MustCompile(`^[a-zA-Z]([a-zA-Z0-9_])*$`)

// withDefaults checks fc, reporting every problem, and returns it with the
// defaults filled in and its paths absolute.
func (fc FunctionConfig) withDefaults() (FunctionConfig, error) {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("lambdaservice: function %q: "+format, append([]any{fc.Name}, args...)...))
	}
	if !functionName.MatchString(fc.Name) {
		bad("invalid name (want 1 to 64 letters, digits, hyphens and underscores)")
	}
	switch {
	case fc.Executable == "" && fc.Package == "":
		bad("no Executable and no Package")
	case fc.Executable != "" && fc.Package != "":
		bad("both Executable %q and Package %q", fc.Executable, fc.Package)
	}
	if fc.BuildCommand != nil && fc.Package == "" {
		bad("a BuildCommand without a Package")
	}
	if fc.BuildCommand != nil && len(fc.BuildCommand) == 0 {
		bad("an empty BuildCommand")
	}
	abs := func(p *string) {
		if *p == "" {
			return
		}
		a, err := filepath.Abs(*p)
		if err != nil {
			bad("path %q: %v", *p, err)
			return
		}
		*p = a
	}
	abs(&fc.Executable)
	abs(&fc.Package)
	abs(&fc.Dir)
	if fc.Handler == "" {
		fc.Handler = DefaultHandler
	}
	for k := range fc.Environment {
		switch {
		case reservedEnv[k]:
			bad("environment variable %q is reserved by Lambda", k)
		case !envName.MatchString(k):
			bad("invalid environment variable name %q", k)
		}
	}
	switch {
	case fc.Timeout == 0:
		fc.Timeout = DefaultTimeout
	case fc.Timeout < time.Second || fc.Timeout > 15*time.Minute:
		bad("timeout %v out of range (1s to 15m)", fc.Timeout)
	}
	switch {
	case fc.MemorySize == 0:
		fc.MemorySize = DefaultMemorySize
	case fc.MemorySize < 128 || fc.MemorySize > 10240:
		bad("memory size %d MB out of range (128 to 10240)", fc.MemorySize)
	}
	switch fc.Architecture {
	case "":
		fc.Architecture = "x86_64"
	case "x86_64", "arm64":
	default:
		bad("invalid architecture %q (want x86_64 or arm64)", fc.Architecture)
	}
	if fc.Concurrency < 0 {
		bad("negative concurrency %d", fc.Concurrency)
	}
	if fc.Dir == "" {
		if fc.Package != "" {
			fc.Dir = fc.Package
		} else if fc.Executable != "" {
			fc.Dir = filepath.Dir(fc.Executable)
		}
	}
	return fc, errors.Join(errs...)
}

// environment returns the variables of a process of fc, less
// AWS_LAMBDA_RUNTIME_API and the log stream, which are the instance's:
// what Lambda defines, the configured ones, and from this process PATH
// and any AWS credentials, so the function can call AWS as the developer
// (docs/evidence/runtime.md#local-lambda-environment).
func (fc FunctionConfig) environment(c Config) []string {
	env := []string{
		"AWS_LAMBDA_FUNCTION_NAME=" + fc.Name,
		"AWS_LAMBDA_FUNCTION_VERSION=" + Version,
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE=" + strconv.Itoa(fc.MemorySize),
		"AWS_LAMBDA_INITIALIZATION_TYPE=on-demand",
		"AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/" + fc.Name,
		"AWS_REGION=" + c.Region,
		"AWS_DEFAULT_REGION=" + c.Region,
		"_HANDLER=" + fc.Handler,
		"LAMBDA_TASK_ROOT=" + fc.Dir,
		"TZ=:UTC",
		"LANG=en_US.UTF-8",
	}
	for _, k := range []string{"PATH", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(fc.Environment)) {
		// A configured PATH or LANG replaces the one above.
		env = slices.DeleteFunc(env, func(e string) bool { return strings.HasPrefix(e, k+"=") })
		env = append(env, k+"="+fc.Environment[k])
	}
	return env
}

// arn is the function's ARN.
func (c Config) arn(name string) string {
	return "arn:aws:lambda:" + c.Region + ":" + c.AccountID + ":function:" + name
}
