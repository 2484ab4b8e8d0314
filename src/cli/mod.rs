//! The command line: `faultcast serve | migrate | config | token | org | contacts | login-link |
//! send-test | notice`.

mod notice;
mod registry;
mod send_test;
mod serve;

use crate::config::{self, Settings};
use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// faultcast: fault and maintenance notices for national e-health services.
#[derive(Debug, Parser)]
#[command(name = "faultcast", version, about)]
pub struct Cli {
    /// Config file (default: config/faultcast.toml if present, else built-in defaults).
    #[arg(long, global = true, env = "FAULTCAST_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the daemon: API, public pages, workers, scheduler.
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Validate or print the configuration.
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    /// API tokens.
    Token {
        #[command(subcommand)]
        action: registry::TokenAction,
    },
    /// Organisations.
    Org {
        #[command(subcommand)]
        action: registry::OrgAction,
    },
    /// An organisation's contacts.
    Contacts {
        #[command(subcommand)]
        action: registry::ContactsAction,
    },
    /// Print a one-time link that signs its holder in to the console (valid 15 minutes).
    LoginLink {
        /// Who the link is for, as the audit log will name them, e.g. "Anna (support)".
        #[arg(long)]
        label: String,
    },
    /// Send one test message through the configured email or SMS channel now, and say
    /// what the relay or gateway answered.
    #[command(group(clap::ArgGroup::new("to").required(true).args(["email", "sms"])))]
    SendTest {
        /// An email address to send the test message to.
        #[arg(long)]
        email: Option<String>,
        /// A mobile number to send the test SMS to.
        #[arg(long)]
        sms: Option<String>,
    },
    /// Notices, through the HTTP API (FAULTCAST_URL, FAULTCAST_TOKEN).
    Notice {
        #[command(subcommand)]
        action: notice::NoticeAction,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigAction {
    /// Load and validate the configuration; print a summary without secrets.
    Check,
    /// Print the commented default configuration.
    Default,
}

/// Runs the command line; exit 0 on success, 1 with a one-line reason, 2 for usage errors.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Config {
        action: ConfigAction::Default,
    } = cli.command
    {
        print!("{}", config::DEFAULT_TOML);
        return ExitCode::SUCCESS;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    if let Command::Notice { action } = cli.command {
        // A client of the API: it needs no local configuration or database.
        return match runtime.block_on(notice::notice(action)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(&format!("{e:#}")),
        };
    }
    let settings = match config::load(cli.config.as_deref(), std::env::vars()) {
        Ok(s) => s,
        Err(e) => return fail(&format!("configuration: {e}")),
    };
    match runtime.block_on(run(cli.command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("{e:#}")),
    }
}

async fn run(command: Command, settings: Settings) -> anyhow::Result<()> {
    match command {
        Command::Serve => serve::serve(settings).await,
        Command::Migrate => {
            crate::telemetry::init(&settings.log);
            crate::app::open_store(&settings).await?;
            eprintln!("migrations applied");
            Ok(())
        }
        Command::Config {
            action: ConfigAction::Check,
        } => {
            let catalogue = crate::app::load_catalogue(&settings)?;
            let templates = crate::app::load_templates(&settings, &catalogue, chrono::Utc::now())?;
            println!("{} notice templates", templates.len());
            println!("{}", serve::summary(&settings));
            println!("configuration OK");
            Ok(())
        }
        Command::Config {
            action: ConfigAction::Default,
        } => unreachable!("handled before loading settings"),
        Command::Token { action } => registry::token(action, &settings).await,
        Command::Org { action } => registry::org(action, &settings).await,
        Command::Contacts { action } => registry::contacts(action, &settings).await,
        Command::LoginLink { label } => registry::login_link(&label, &settings).await,
        Command::SendTest { email, sms } => {
            let target = match (email, sms) {
                (Some(e), _) => send_test::Target::Email(e),
                (None, Some(n)) => send_test::Target::Sms(n),
                (None, None) => unreachable!("clap requires one of --email, --sms"),
            };
            println!("{}", send_test::send_test(target, &settings).await?);
            Ok(())
        }
        Command::Notice { .. } => unreachable!("handled before loading settings"),
    }
}

fn fail(reason: &str) -> ExitCode {
    let line = reason.replace('\n', " ");
    eprintln!("faultcast: {line}");
    ExitCode::FAILURE
}
