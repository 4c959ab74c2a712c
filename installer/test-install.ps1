<#
.SYNOPSIS
    Checks a built installer end to end on this Windows machine (CI and maintainers).

.DESCRIPTION
    Installs dist\installer\BudgetWorkbench-*-setup.exe silently for the current user (no
    administrator), runs the installed program's --self-test, checks the Start-menu entry
    and the .bwproj file association, uninstalls, and checks that the program is gone while
    a clerk's project file in Documents is still there.

.EXAMPLE
    powershell -ExecutionPolicy Bypass -File installer\test-install.ps1
#>
[CmdletBinding()]
param([string]$Setup = "")

$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest
$Root = Split-Path -Parent $PSScriptRoot

function Check([bool]$Ok, [string]$What) {
    if (-not $Ok) { throw "FAILED: $What" }
    Write-Host "    ok: $What"
}

if (-not $Setup) {
    $found = Get-ChildItem (Join-Path $Root "dist\installer\BudgetWorkbench-*-setup.exe") |
        Sort-Object LastWriteTime | Select-Object -Last 1
    if (-not $found) { throw "no installer in dist\installer: run installer\build.ps1 first" }
    $Setup = $found.FullName
}
$App = Join-Path $env:LOCALAPPDATA "Programs\BudgetWorkbench"
$Docs = [Environment]::GetFolderPath("MyDocuments")
$Project = Join-Path $Docs "bw-install-test.bwproj"
$Logs = Join-Path $Root "build\windows"
New-Item -ItemType Directory -Force -Path $Logs | Out-Null
Set-Content -Path $Project -Value "a clerk's project: must survive the uninstall" -Encoding UTF8

Write-Host "==> installing $Setup"
$p = Start-Process -FilePath $Setup -Wait -PassThru -ArgumentList @(
    "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART", "/CURRENTUSER",
    "/LOG=`"$(Join-Path $Logs 'setup.log')`"")
Check ($p.ExitCode -eq 0) "setup exit code 0 (got $($p.ExitCode))"
Check (Test-Path (Join-Path $App "BudgetWorkbench.exe")) "installed in $App"

$startMenu = Join-Path $env:APPDATA "Microsoft\Windows\Start Menu\Programs"
$lnk = Get-ChildItem -Path $startMenu -Recurse -Filter "*.lnk" |
    Where-Object { $_.Name -eq "预算公开工作台.lnk" }
Check ($null -ne $lnk) "Start-menu shortcut"

$ext = Get-ItemProperty -Path "HKCU:\Software\Classes\.bwproj"
Check ($ext.'(default)' -eq "BudgetWorkbench.Project") ".bwproj -> BudgetWorkbench.Project"
$cmd = (Get-ItemProperty -Path "HKCU:\Software\Classes\BudgetWorkbench.Project\shell\open\command").'(default)'
Check ($cmd -like "*BudgetWorkbench.exe*%1*") "open command: $cmd"

Write-Host "==> self-test of the installed program"
$env:BUDGET_WORKBENCH_HOME = Join-Path $Logs "installed-home"
& (Join-Path $App "bwcli.exe") --self-test
$code = $LASTEXITCODE
Remove-Item Env:\BUDGET_WORKBENCH_HOME
Check ($code -eq 0) "installed bwcli.exe --self-test exit 0"

Write-Host "==> uninstalling"
$uninstaller = Get-ChildItem -Path $App -Filter "unins*.exe" | Select-Object -First 1
$p = Start-Process -FilePath $uninstaller.FullName -Wait -PassThru -ArgumentList @(
    "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART")
Check ($p.ExitCode -eq 0) "uninstall exit code 0 (got $($p.ExitCode))"
# The uninstaller finishes in a copy of itself: wait for the program to be gone.
$deadline = (Get-Date).AddMinutes(2)
while ((Test-Path (Join-Path $App "BudgetWorkbench.exe")) -and (Get-Date) -lt $deadline) { Start-Sleep -Seconds 1 }
Check (-not (Test-Path (Join-Path $App "BudgetWorkbench.exe"))) "program removed"
Check (-not (Test-Path "HKCU:\Software\Classes\BudgetWorkbench.Project")) "file association removed"
Check (Test-Path $Project) "the clerk's project file is kept"
Remove-Item $Project
Write-Host "`ninstaller test passed" -ForegroundColor Green
