<#
.SYNOPSIS
    Builds the Windows installer of 预算公开工作台 (Budget Disclosure Workbench).

.DESCRIPTION
    One command from a clean checkout to dist\installer\BudgetWorkbench-<version>-setup.exe:

      1. a build virtual environment (build\windows\venv) with the project and its pinned
         dev tools (PyInstaller) from pyproject.toml;
      2. the one-folder bundle from installer\budget_workbench.spec into dist\BudgetWorkbench;
      3. the smoke start: the frozen program's --self-test (console bwcli.exe, then the
         windowed BudgetWorkbench.exe); any failure stops the build and prints the log;
      4. Inno Setup (ISCC.exe) on installer\budget_workbench.iss with the version from
         pyproject.toml; the installer's path is printed last.

    Needs: Python 3.11 (python.org or `winget install Python.Python.3.11`), Inno Setup 6.3+
    (`winget install JRSoftware.InnoSetup`), and the network for pip (once).

.EXAMPLE
    powershell -ExecutionPolicy Bypass -File installer\build.ps1

.EXAMPLE
    .\installer\build.ps1 -SkipInstaller      # bundle and self-test only (no Inno Setup)
#>
[CmdletBinding()]
param(
    # The Python used to create the build venv: "py -3.11" (the launcher) by default.
    [string]$Python = "",
    # ISCC.exe; by default looked up in the usual Inno Setup 6 folders and on PATH.
    [string]$Iscc = "",
    # ChineseSimplified.isl for a Chinese wizard; by default installer\ChineseSimplified.isl,
    # Inno Setup's Languages folder, or a download (unless -Offline).
    [string]$ChineseIsl = "",
    # Reuse an existing build venv without reinstalling packages.
    [switch]$NoInstall,
    # Never download anything but Python packages (the wizard may then be in English).
    [switch]$Offline,
    # Stop after the bundle and its self-test.
    [switch]$SkipInstaller
)

$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest

$Root = Split-Path -Parent $PSScriptRoot
$BuildDir = Join-Path $Root "build\windows"
$Venv = Join-Path $BuildDir "venv"
$VenvPython = Join-Path $Venv "Scripts\python.exe"
$DistDir = Join-Path $Root "dist"
$Bundle = Join-Path $DistDir "BudgetWorkbench"
$InstallerOut = Join-Path $DistDir "installer"
$Spec = Join-Path $PSScriptRoot "budget_workbench.spec"
$Iss = Join-Path $PSScriptRoot "budget_workbench.iss"
$IslUrl = "https://raw.githubusercontent.com/jrsoftware/issrc/main/Files/Languages/Unofficial/ChineseSimplified.isl"

function Step([string]$Text) { Write-Host "`n==> $Text" -ForegroundColor Cyan }

# Runs a native program and stops the build when it fails ($ErrorActionPreference does not
# cover exit codes in Windows PowerShell 5.1).
function Invoke-Native {
    param([string]$Exe, [string[]]$Arguments)
    Write-Host "    $Exe $($Arguments -join ' ')"
    # Windows PowerShell 5.1 turns a native program's stderr (PyInstaller's progress) into
    # errors under "Stop": judge by the exit code instead.
    $saved = $ErrorActionPreference
    $ErrorActionPreference = "Continue"
    try { & $Exe @Arguments } finally { $ErrorActionPreference = $saved }
    if ($LASTEXITCODE -ne 0) { throw "failed (exit $LASTEXITCODE): $Exe $($Arguments -join ' ')" }
}

function Find-Iscc {
    if ($Iscc) { if (Test-Path $Iscc) { return $Iscc } else { throw "ISCC.exe not found: $Iscc" } }
    $candidates = @(
        (Join-Path ${env:ProgramFiles(x86)} "Inno Setup 6\ISCC.exe"),
        (Join-Path $env:ProgramFiles "Inno Setup 6\ISCC.exe"),
        (Join-Path $env:LOCALAPPDATA "Programs\Inno Setup 6\ISCC.exe")
    )
    foreach ($c in $candidates) { if ($c -and (Test-Path $c)) { return $c } }
    $cmd = Get-Command "ISCC.exe" -ErrorAction SilentlyContinue
    if ($cmd) { return $cmd.Source }
    throw "Inno Setup 6 (ISCC.exe) not found: install it (winget install JRSoftware.InnoSetup) or pass -Iscc PATH"
}

function Find-ChineseIsl([string]$IsccPath) {
    if ($ChineseIsl) { if (Test-Path $ChineseIsl) { return (Resolve-Path $ChineseIsl).Path } else { throw "not found: $ChineseIsl" } }
    $candidates = @(
        (Join-Path $PSScriptRoot "ChineseSimplified.isl"),
        (Join-Path (Split-Path -Parent $IsccPath) "Languages\ChineseSimplified.isl"),
        (Join-Path (Split-Path -Parent $IsccPath) "Languages\Unofficial\ChineseSimplified.isl"),
        (Join-Path $BuildDir "ChineseSimplified.isl")
    )
    foreach ($c in $candidates) { if (Test-Path $c) { return $c } }
    if (-not $Offline) {
        try {
            $target = Join-Path $BuildDir "ChineseSimplified.isl"
            [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
            Invoke-WebRequest -Uri $IslUrl -OutFile $target -UseBasicParsing
            return $target
        } catch {
            Write-Warning "could not download ChineseSimplified.isl: $_"
        }
    }
    Write-Warning "ChineseSimplified.isl not found: the setup wizard will be in English (put the file in installer\ to fix)"
    return ""
}

New-Item -ItemType Directory -Force -Path $BuildDir | Out-Null
Push-Location $Root
try {
    # --- 1. build environment -----------------------------------------------------------
    if (-not (Test-Path $VenvPython)) {
        Step "creating the build venv ($Venv)"
        if ($Python) {
            $parts = @($Python -split " " | Where-Object { $_ })
            $pyArgs = @($parts | Select-Object -Skip 1) + @("-m", "venv", $Venv)
            Invoke-Native $parts[0] $pyArgs
        } elseif (Get-Command "py" -ErrorAction SilentlyContinue) {
            Invoke-Native "py" @("-3.11", "-m", "venv", $Venv)
        } else {
            Invoke-Native "python" @("-m", "venv", $Venv)
        }
    }
    if (-not $NoInstall) {
        Step "installing the project and its pinned build tools"
        Invoke-Native $VenvPython @("-m", "pip", "install", "--disable-pip-version-check", "-e", ".[dev]")
    }

    $Version = (& $VenvPython -c "import tomllib;print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])").Trim()
    if ($LASTEXITCODE -ne 0 -or -not $Version) { throw "cannot read the version from pyproject.toml" }
    # Windows file versions are four numbers: 0.1.0 -> 0.1.0.0, 1.2.0rc1 -> 1.2.0.0
    $nums = @([regex]::Matches($Version, "\d+") | Select-Object -First 4 | ForEach-Object { $_.Value })
    while ($nums.Count -lt 4) { $nums += "0" }
    $FileVersion = $nums -join "."
    Write-Host "    version $Version ($FileVersion)"

    # --- 2. PyInstaller bundle ------------------------------------------------------------
    Step "building the bundle with PyInstaller"
    Invoke-Native $VenvPython @("-m", "PyInstaller", "--noconfirm", "--clean",
        "--distpath", $DistDir, "--workpath", (Join-Path $BuildDir "pyinstaller"), $Spec)

    # --- 3. smoke start: the frozen program's self-test -----------------------------------
    Step "self-test of the frozen program"
    $SelfTestHome = Join-Path $BuildDir "selftest-home"
    Remove-Item -Recurse -Force $SelfTestHome -ErrorAction SilentlyContinue
    $env:BUDGET_WORKBENCH_HOME = $SelfTestHome   # its log goes here, not to the user's folder
    $log = Join-Path $SelfTestHome "logs\workbench.log"
    try {
        Invoke-Native (Join-Path $Bundle "bwcli.exe") @("--self-test")
        # The windowed program has no console: its exit code and the log tell.
        $p = Start-Process -FilePath (Join-Path $Bundle "BudgetWorkbench.exe") -ArgumentList "--self-test" -Wait -PassThru
        if ($p.ExitCode -ne 0) { throw "BudgetWorkbench.exe --self-test failed (exit $($p.ExitCode))" }
        Write-Host "    BudgetWorkbench.exe --self-test: exit 0"
    } catch {
        if (Test-Path $log) { Write-Host "---- $log ----"; Get-Content $log -Encoding UTF8 | Write-Host }
        throw
    } finally {
        Remove-Item Env:\BUDGET_WORKBENCH_HOME -ErrorAction SilentlyContinue
    }

    if ($SkipInstaller) { Write-Host "`nbundle: $Bundle"; return }

    # --- 4. Inno Setup ----------------------------------------------------------------------
    Step "compiling the installer with Inno Setup"
    $isccPath = Find-Iscc
    $isl = Find-ChineseIsl $isccPath
    $isccArgs = @("/Q", "/DMyAppVersion=$Version", "/DMyAppFileVersion=$FileVersion",
        "/DDistDir=$Bundle", "/DOutputDir=$InstallerOut")
    if ($isl) { $isccArgs += "/DChineseIsl=$isl" }
    Invoke-Native $isccPath ($isccArgs + @($Iss))

    $setup = Join-Path $InstallerOut "BudgetWorkbench-$Version-setup.exe"
    if (-not (Test-Path $setup)) { throw "the installer was not written: $setup" }
    $mb = [math]::Round((Get-Item $setup).Length / 1MB, 1)
    Write-Host "`ninstaller: $setup ($mb MB)" -ForegroundColor Green
} finally {
    Pop-Location
}
