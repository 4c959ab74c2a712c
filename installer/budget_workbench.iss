; 预算公开工作台 (Budget Disclosure Workbench) — Inno Setup 6 script.
;
; Built by installer\build.ps1, which passes the version from pyproject.toml:
;   ISCC.exe /DMyAppVersion=0.1.0 /DMyAppFileVersion=0.1.0.0 /DDistDir=..\dist\BudgetWorkbench
;            /DOutputDir=..\dist\installer [/DChineseIsl=path\ChineseSimplified.isl]
;            installer\budget_workbench.iss
;
; The wizard's Chinese text: Inno Setup ships ChineseSimplified.isl only as an unofficial
; translation (issrc repository, Files\Languages\Unofficial\ChineseSimplified.isl). build.ps1
; looks for it in installer\, in Inno Setup's Languages folder, then downloads it; without
; it the wizard is in English (the program itself is Chinese either way).
;
; Per user, no administrator rights: PrivilegesRequired=lowest installs to
; %LOCALAPPDATA%\Programs\BudgetWorkbench and writes only HKEY_CURRENT_USER.
; The file is UTF-8 with a BOM (Unicode Inno Setup reads it as UTF-8).

#if VER < EncodeVer(6, 3, 0)
  #error Inno Setup 6.3 or newer is needed (x64compatible, HKA).
#endif

#ifndef MyAppVersion
  #error Pass the version: ISCC /DMyAppVersion=X.Y.Z (installer\build.ps1 does).
#endif
#ifndef MyAppFileVersion
  #define MyAppFileVersion MyAppVersion
#endif
#ifndef DistDir
  #define DistDir "..\dist\BudgetWorkbench"
#endif
#ifndef OutputDir
  #define OutputDir "..\dist\installer"
#endif

#define MyAppName "预算公开工作台"
#define MyAppEnglishName "Budget Disclosure Workbench"
#define MyAppDirName "BudgetWorkbench"
#define MyAppExeName "BudgetWorkbench.exe"
#define MyAppCliName "bwcli.exe"
#define MyProjectExt ".bwproj"
#define MyProjectProgId "BudgetWorkbench.Project"

#if !FileExists(AddBackslash(DistDir) + MyAppExeName)
  #error The PyInstaller bundle is missing: run installer\build.ps1 (or pyinstaller installer\budget_workbench.spec) first.
#endif

[Setup]
; The AppId identifies the program to Windows and to later versions of this installer
; (upgrades, uninstall): never change it.
AppId={{6F0C2B9E-4D7A-4B1F-9C3E-8A5D2E7F1B60}
AppName={#MyAppName}
AppVersion={#MyAppVersion}
AppVerName={#MyAppName} {#MyAppVersion}
AppPublisher={#MyAppName}
AppComments={#MyAppEnglishName}
VersionInfoVersion={#MyAppFileVersion}
VersionInfoProductName={#MyAppName}
VersionInfoDescription={#MyAppName} 安装程序 (setup)
PrivilegesRequired=lowest
; {autopf} is %LOCALAPPDATA%\Programs for a per-user install.
DefaultDirName={autopf}\{#MyAppDirName}
DefaultGroupName={#MyAppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
UsePreviousAppDir=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Qt 6 needs Windows 10 1809 or newer.
MinVersion=10.0.17763
OutputDir={#OutputDir}
OutputBaseFilename={#MyAppDirName}-{#MyAppVersion}-setup
#if FileExists(AddBackslash(DistDir) + "_internal\app.ico")
SetupIconFile={#DistDir}\_internal\app.ico
#endif
UninstallDisplayIcon={app}\{#MyAppExeName}
UninstallDisplayName={#MyAppName} {#MyAppVersion}
WizardStyle=modern
Compression=lzma2/max
SolidCompression=yes
ChangesAssociations=yes
; A running copy is closed (Restart Manager) before its files are replaced.
CloseApplications=yes
RestartApplications=no
ShowLanguageDialog=no

[Languages]
#ifdef ChineseIsl
Name: "chinesesimplified"; MessagesFile: "{#ChineseIsl}"
#else
  #pragma message "ChineseSimplified.isl not given (/DChineseIsl=...): the setup wizard will be in English."
Name: "english"; MessagesFile: "compiler:Default.isl"
#endif

[CustomMessages]
ProjectFileType={#MyAppName}项目文件
LogFolder={#MyAppName}日志文件夹

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade replaces the whole bundle: libraries of the previous version must not linger.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#DistDir}\{#MyAppExeName}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#DistDir}\{#MyAppCliName}"; DestDir: "{app}"; Flags: ignoreversion
Source: "{#DistDir}\_internal\*"; DestDir: "{app}\_internal"; Flags: ignoreversion recursesubdirs createallsubdirs

[Dirs]
; The program's own data (logs); kept on uninstall so a clerk can still send a log.
Name: "{localappdata}\{#MyAppDirName}\logs"; Flags: uninsneveruninstall

[Icons]
Name: "{group}\{#MyAppName}"; Filename: "{app}\{#MyAppExeName}"; Comment: "{#MyAppEnglishName}"
Name: "{group}\{cm:LogFolder}"; Filename: "{localappdata}\{#MyAppDirName}\logs"
Name: "{group}\{cm:UninstallProgram,{#MyAppName}}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#MyAppName}"; Filename: "{app}\{#MyAppExeName}"; Tasks: desktopicon

[Registry]
; Project files (.bwproj) open in the workbench: a per-user association (HKA is
; HKEY_CURRENT_USER\Software\Classes for a per-user install).
Root: HKA; Subkey: "Software\Classes\{#MyProjectExt}"; ValueType: string; ValueName: ""; ValueData: "{#MyProjectProgId}"; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#MyProjectExt}\OpenWithProgids"; ValueType: string; ValueName: "{#MyProjectProgId}"; ValueData: ""; Flags: uninsdeletevalue
Root: HKA; Subkey: "Software\Classes\{#MyProjectProgId}"; ValueType: string; ValueName: ""; ValueData: "{cm:ProjectFileType}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\{#MyProjectProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\{#MyAppExeName},0"
Root: HKA; Subkey: "Software\Classes\{#MyProjectProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#MyAppExeName}"" ""%1"""
; "Open with" for PDFs, without taking the default PDF viewer's place.
Root: HKA; Subkey: "Software\Classes\Applications\{#MyAppExeName}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#MyAppName}"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\Applications\{#MyAppExeName}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#MyAppExeName}"" ""%1"""
Root: HKA; Subkey: "Software\Classes\Applications\{#MyAppExeName}\SupportedTypes"; ValueType: string; ValueName: ".pdf"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\Applications\{#MyAppExeName}\SupportedTypes"; ValueType: string; ValueName: "{#MyProjectExt}"; ValueData: ""

[Run]
Filename: "{app}\{#MyAppExeName}"; Description: "{cm:LaunchProgram,{#StringChange(MyAppName, '&', '&&')}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder. The clerk's projects (.bwproj), exported PDFs and workbooks live
; wherever they were saved (usually Documents) and are never touched; the settings and the
; log folder under %LOCALAPPDATA%\BudgetWorkbench stay too.
Type: dirifempty; Name: "{app}"
