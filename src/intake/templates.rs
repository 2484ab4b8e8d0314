//! Notice templates: the shipped set brought in at start-up, versions written from the
//! console and the API.

use super::{Intake, IntakeError, IntakeResult, made};
use crate::access::{Actor, Keep};
use crate::store::{TemplateRecord, TemplateWrite};
use crate::templates::{Template, TemplateFile, TemplateId, TemplateInput};
use crate::validation::FieldErrors;

impl Intake {
    /// Brings the shipped templates in: a version for each whose content is new.
    pub async fn sync_templates(&self, files: &[TemplateFile]) -> IntakeResult<usize> {
        Ok(self.store.sync_file_templates(files, self.now()).await?)
    }

    fn require_template_operator(actor: &Actor) -> IntakeResult<()> {
        if actor.is_operator() {
            Ok(())
        } else {
            Err(IntakeError::Forbidden("only operators manage templates"))
        }
    }

    /// Creates a template (version 1); an id in use is a 422 on `id`.
    pub async fn create_template(
        &self,
        actor: &Actor,
        input: TemplateInput,
        source: &str,
        keep: Option<Keep<'_, TemplateRecord>>,
    ) -> IntakeResult<TemplateRecord> {
        Self::require_template_operator(actor)?;
        let t = Template::parse(input, &self.catalogue, self.now())?;
        let audit = self.event(actor, "template.create", "template", t.id.to_string(), None);
        let written = self
            .store
            .save_template(
                &t,
                true,
                source,
                &actor.audit_name(),
                self.now(),
                &audit,
                keep,
            )
            .await?;
        match made(written)? {
            Ok(r) => Ok(r),
            Err(_) => Err(FieldErrors::single(
                "id",
                "is already a template's id; change that template instead",
            )
            .into()),
        }
    }

    /// Writes a template's next version. The body's `id`, if given, must be `id`.
    pub async fn change_template(
        &self,
        actor: &Actor,
        id: &str,
        mut input: TemplateInput,
        source: &str,
    ) -> IntakeResult<TemplateRecord> {
        Self::require_template_operator(actor)?;
        let id = TemplateId::parse(id).map_err(|_| IntakeError::NotFound)?;
        if input
            .id
            .as_deref()
            .is_some_and(|given| given != id.as_str())
        {
            return Err(
                FieldErrors::single("id", "cannot be changed; create a new template").into(),
            );
        }
        input.id = Some(id.as_str().to_owned());
        let t = Template::parse(input, &self.catalogue, self.now())?;
        let audit = self.event(actor, "template.change", "template", id.to_string(), None);
        let written = self
            .store
            .save_template(
                &t,
                false,
                source,
                &actor.audit_name(),
                self.now(),
                &audit,
                None,
            )
            .await?;
        match made(written)? {
            Ok(r) => Ok(r),
            Err(TemplateWrite::Missing | TemplateWrite::Exists) => Err(IntakeError::NotFound),
        }
    }
}
